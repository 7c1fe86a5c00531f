from django.db import migrations

# The lists' dimensions are strongly correlated (dream ideas are rarely negative): without
# multivariate statistics PostgreSQL expects matches everywhere and walks the whole list.
CREATE = (
    "CREATE STATISTICS IF NOT EXISTS dashboard_highlight_dims (mcv, dependencies) "
    "ON list, sentiment, kind, section FROM dashboard_highlight"
)
DROP = "DROP STATISTICS IF EXISTS dashboard_highlight_dims"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

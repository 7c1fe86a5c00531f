from django.db import migrations


def set_fillfactor(apps, schema_editor, value=70):
    # Room on each page, so that the sweeper's lease (a column no index covers) is written
    # as a heap-only update: no index entries, a fraction of the WAL for 300,000 mails.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE outbox_outboxmail SET (fillfactor = {value})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE outbox_outboxmail RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0003_claimed_until"),
    ]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]

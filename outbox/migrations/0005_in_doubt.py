from django.db import migrations, models


class Migration(migrations.Migration):
    # A constant default: PostgreSQL adds the column without rewriting the table.
    dependencies = [
        ("outbox", "0004_fillfactor"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmail",
            name="in_doubt",
            field=models.BooleanField(db_default=False, default=False),
        ),
    ]

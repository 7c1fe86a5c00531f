from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmail",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]

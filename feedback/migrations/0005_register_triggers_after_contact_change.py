# customers 0004 made Contact.organisation nullable. On SQLite, Django alters a column by
# rebuilding the table, which silently drops the table's triggers: the register would stop
# noticing new or renamed contacts (feedback.redaction's freshness). Create the register
# triggers again, after that change, on every database (idempotent: drop, then create).

import importlib

from django.db import migrations

register_version = importlib.import_module("feedback.migrations.0004_register_version")


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0004_register_version"),
        ("customers", "0004_contact_front_line_staff"),
    ]

    operations = [
        migrations.RunPython(register_version.create_triggers, migrations.RunPython.noop),
    ]

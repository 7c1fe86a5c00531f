# customers 0007 changed Contact.language's default. On SQLite, Django alters a column by
# rebuilding the table, which silently drops its triggers (as customers 0004 did, see
# feedback 0005): create the register triggers again after it (idempotent).

import importlib

from django.db import migrations

register_version = importlib.import_module("feedback.migrations.0004_register_version")


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0007_capture_section_clock"),
        ("customers", "0007_contact_language_follows_the_country"),
    ]

    operations = [
        migrations.RunPython(register_version.create_triggers, migrations.RunPython.noop),
    ]

# The register's version: one row whose number changes, by database triggers, whenever a
# contact, a user or an organisation is added, removed or renamed (feedback.redaction).
# Triggers rather than signals, so that bulk writes (the CSV import, QuerySet.update, the
# admin, a shell) are covered too. The number is random, so it never comes back after a
# rollback or a flush, and readers see it change only when the change is committed.

import secrets

from django.db import migrations, models

# (model, columns whose change renames someone, condition for SQLite, for PostgreSQL)
WATCHED = [
    ("customers", "Contact", ("name", "erased_at")),
    ("customers", "Organisation", ("name",)),
    ("accounts", "User", ("first_name", "last_name")),
]


def _tables(apps):
    for app, model, columns in WATCHED:
        yield apps.get_model(app, model)._meta.db_table, columns


def create_triggers(apps, schema_editor):
    # Idempotent (the tests run it again after a flush): drop what may be there first.
    drop_triggers(apps, schema_editor)
    version = apps.get_model("feedback", "RegisterVersion")
    version.objects.update_or_create(pk=1, defaults={"number": secrets.randbits(52)})
    table = version._meta.db_table
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "postgresql":
        run(
            "CREATE OR REPLACE FUNCTION feedback_register_bump() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f'INSERT INTO "{table}" (id, number) '
            "VALUES (1, (random() * 9007199254740991)::bigint) "
            "ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number; "
            "RETURN NULL; END $$"
        )
        for watched, columns in _tables(apps):
            changed = " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in columns)
            run(
                f'CREATE TRIGGER "{watched}_register_rows" AFTER INSERT OR DELETE ON "{watched}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION feedback_register_bump()"
            )
            run(
                f'CREATE TRIGGER "{watched}_register_names" AFTER UPDATE ON "{watched}" '
                f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION feedback_register_bump()"
            )
    elif vendor == "sqlite":
        bump = (
            f'INSERT INTO "{table}" (id, number) VALUES (1, random()) '
            "ON CONFLICT(id) DO UPDATE SET number = excluded.number;"
        )
        for watched, columns in _tables(apps):
            changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
            for event in ("INSERT", "DELETE"):
                run(
                    f'CREATE TRIGGER "{watched}_register_{event.lower()}" AFTER {event} '
                    f'ON "{watched}" BEGIN {bump} END'
                )
            run(
                f'CREATE TRIGGER "{watched}_register_names" AFTER UPDATE ON "{watched}" '
                f"WHEN {changed} BEGIN {bump} END"
            )
    else:
        raise NotImplementedError(f"No register triggers for {vendor}.")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for watched, _columns in _tables(apps):
        if vendor == "postgresql":
            for name in ("rows", "names"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{watched}_register_{name}" ON "{watched}"')
        else:
            for name in ("insert", "delete", "names"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{watched}_register_{name}"')
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS feedback_register_bump()")


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0003_journey_stages"),
        ("customers", "0003_organisation_updated_at_index"),
        ("accounts", "0003_is_staff_follows_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

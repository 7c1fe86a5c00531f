from django.db import migrations

from meetings.defaults import load_defaults


def load(apps, schema_editor):
    load_defaults(
        Question=apps.get_model("meetings", "Question"),
        AgendaTemplate=apps.get_model("meetings", "AgendaTemplate"),
        AgendaTemplateItem=apps.get_model("meetings", "AgendaTemplateItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_prep_questions_templates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

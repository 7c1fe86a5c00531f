from django.db import migrations

from meetings.defaults import DEFAULT_AGENDA, DEFAULT_QUESTIONS


def load(apps, schema_editor):
    Question = apps.get_model("meetings", "Question")
    AgendaTemplate = apps.get_model("meetings", "AgendaTemplate")
    AgendaTemplateItem = apps.get_model("meetings", "AgendaTemplateItem")
    for position, (text, help_text) in enumerate(DEFAULT_QUESTIONS):
        Question.objects.get_or_create(
            text=text, defaults={"help": help_text, "position": position}
        )
    template, created = AgendaTemplate.objects.get_or_create(
        name="Customer-first leadership meeting",
        defaults={
            "is_default": not AgendaTemplate.objects.filter(is_default=True).exists(),
            "description": "Customer → Employees → Operational processes → Marketing → Sales → Finance → Other.",
        },
    )
    if created:
        for position, (section, title, minutes) in enumerate(DEFAULT_AGENDA):
            AgendaTemplateItem.objects.create(
                template=template, section=section, title=title, minutes=minutes, position=position
            )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_prep_questions_templates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

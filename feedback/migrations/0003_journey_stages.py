# The administrator-managed list of moments of truth starts with the usual journey.

from django.db import migrations

STAGES = ["Buying", "Onboarding", "Delivery", "Support", "Billing", "Renewal"]


def add_stages(apps, schema_editor):
    JourneyStage = apps.get_model("feedback", "JourneyStage")
    for position, name in enumerate(STAGES, start=1):
        JourneyStage.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0002_capture_state_and_guest_comments"),
    ]

    operations = [migrations.RunPython(add_stages, migrations.RunPython.noop)]

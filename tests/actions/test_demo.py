import pytest
from django.core.management import call_command

from actions import selectors
from actions.demo import ADVOCATE
from actions.models import Action, Charter

pytestmark = pytest.mark.django_db


def test_demo_has_actions_in_every_state_a_charter_with_two_versions_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert selectors.actions_overdue().exists()
    charter = Charter.objects.get()
    assert sorted(charter.versions.values_list("status", flat=True)) == ["draft", "published"]
    missing = selectors.missing_from_charter(charter=charter)
    assert [g.label for g in missing] == [ADVOCATE]
    current = selectors.charter_current(charter)
    rows = selectors.charter_items_with_measures(version=current, months=selectors.last_months())
    assert any(row["wrong_things"] for row in rows)

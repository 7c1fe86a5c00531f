"""Database guarantees, checked on PostgreSQL (they hold even if a service is bypassed)."""

import pytest
from django.db import IntegrityError, transaction

from actions import services
from actions.models import Action, CharterVersion, MeasureValue
from tests.factories import ActionFactory, leader

pytestmark = pytest.mark.services


def test_database_refuses_wont_do_without_a_reason(postgres):
    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="wont_do", status_reason="")
    action.refresh_from_db()
    assert action.status == "open"


def test_database_refuses_a_second_version_being_written(postgres):
    user = leader()
    charter = services.charter_create(name="Team", team="Support", by=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterVersion.objects.create(charter=charter, number=2, created_by=user)
    assert charter.versions.count() == 1


def test_database_refuses_a_measure_value_not_on_the_first_of_the_month(postgres):
    import datetime as dt
    from decimal import Decimal

    user = leader()
    charter = services.charter_create(name="Team", team="Support", by=user)
    item = services.charter_item_add(
        version=charter.versions.get(), by=user, category="other", text="Answer fast"
    )
    measure = services.measure_create(
        item=item, by=user, name="Speed", target=Decimal(1), direction="at_least"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureValue.objects.create(
            measure=measure, month=dt.date(2026, 1, 15), value=Decimal(1), recorded_by=user
        )

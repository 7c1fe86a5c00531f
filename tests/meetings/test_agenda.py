import pytest
from django.core.exceptions import ValidationError

from meetings import services
from meetings.models import AgendaItem, AgendaTemplate, Section
from tests.factories import AgendaItemFactory, MeetingFactory, RegionFactory, leader

pytestmark = pytest.mark.django_db

OLD_ORDER = [
    (Section.OTHER, "Last actions"),
    (Section.FINANCE, "Results"),
    (Section.OPERATIONS, "SLA review"),
    (Section.CUSTOMER, "Survey results"),
    (Section.SALES, "Pipeline"),
    (Section.OPERATIONS, "Incidents"),
    (Section.CUSTOMER, "Guest narrative"),
    (Section.EMPLOYEES, "People"),
    (Section.FINANCE, "Forecast"),
]


def make_agenda(meeting, rows):
    return [
        AgendaItemFactory(meeting=meeting, section=section, title=title, position=n)
        for n, (section, title) in enumerate(rows)
    ]


def titles(meeting):
    return list(meeting.agenda_items.order_by("position", "pk").values_list("title", flat=True))


def test_reorder_puts_sections_in_customer_first_order_keeping_order_within_sections():
    meeting = MeetingFactory()
    make_agenda(meeting, OLD_ORDER)
    assert services.meeting_reorder_customer_first(meeting=meeting) is True
    assert titles(meeting) == [
        "Survey results",
        "Guest narrative",
        "People",
        "SLA review",
        "Incidents",
        "Pipeline",
        "Results",
        "Forecast",
        "Last actions",
    ]


def test_reorder_is_idempotent():
    meeting = MeetingFactory()
    make_agenda(meeting, OLD_ORDER)
    services.meeting_reorder_customer_first(meeting=meeting)
    first = titles(meeting)
    version = meeting.agenda_version
    assert services.meeting_reorder_customer_first(meeting=meeting) is False
    assert titles(meeting) == first
    assert meeting.agenda_version == version  # nothing changed, no new version


def test_reorder_keeps_customer_block_first_after_adding_items():
    meeting = MeetingFactory()
    make_agenda(meeting, OLD_ORDER)
    services.meeting_reorder_customer_first(meeting=meeting)
    services.agenda_item_add(meeting=meeting, section=Section.CUSTOMER, title="Late customer")
    services.agenda_item_add(meeting=meeting, section=Section.FINANCE, title="Late finance")
    order = titles(meeting)
    assert order[:3] == ["Survey results", "Guest narrative", "Late customer"]
    assert order[-1] == "Late finance"


def test_moving_a_non_customer_item_above_the_customer_block_is_refused():
    meeting = MeetingFactory()
    items = make_agenda(meeting, [(Section.CUSTOMER, "VoC"), (Section.FINANCE, "Money")])
    with pytest.raises(ValidationError, match="customer block stays first"):
        services.agenda_item_move(
            meeting=meeting, item_id=items[1].pk, direction="up", version=meeting.agenda_version
        )
    assert titles(meeting) == ["VoC", "Money"]


def test_drag_order_that_breaks_the_customer_block_is_refused():
    meeting = MeetingFactory()
    items = make_agenda(
        meeting, [(Section.CUSTOMER, "VoC"), (Section.SALES, "Sales"), (Section.FINANCE, "Money")]
    )
    with pytest.raises(ValidationError, match="customer block"):
        services.agenda_reorder(
            meeting=meeting,
            ordered_ids=[items[2].pk, items[0].pk, items[1].pk],
            version=meeting.agenda_version,
        )
    assert titles(meeting) == ["VoC", "Sales", "Money"]
    services.agenda_reorder(
        meeting=meeting,
        ordered_ids=[items[0].pk, items[2].pk, items[1].pk],
        version=meeting.agenda_version,
    )
    assert titles(meeting) == ["VoC", "Money", "Sales"]


def test_an_old_order_agenda_may_move_customer_items_up():
    meeting = MeetingFactory()
    items = make_agenda(meeting, [(Section.FINANCE, "Money"), (Section.CUSTOMER, "VoC")])
    services.agenda_item_move(
        meeting=meeting, item_id=items[1].pk, direction="up", version=meeting.agenda_version
    )
    assert titles(meeting) == ["VoC", "Money"]


def test_reorder_with_foreign_or_missing_ids_changes_nothing():
    meeting = MeetingFactory()
    items = make_agenda(meeting, [(Section.CUSTOMER, "A"), (Section.SALES, "B")])
    foreign = AgendaItemFactory(meeting=MeetingFactory(), title="Elsewhere")
    for bad in ([items[0].pk], [items[0].pk, foreign.pk], [items[0].pk, items[0].pk], ["x", "y"]):
        with pytest.raises(ValidationError, match="does not match"):
            services.agenda_reorder(meeting=meeting, ordered_ids=bad, version=0)
    assert titles(meeting) == ["A", "B"]
    assert foreign.meeting.agenda_items.get().position == foreign.position


def test_stale_order_after_a_concurrent_edit_is_refused():
    meeting = MeetingFactory()
    items = make_agenda(
        meeting, [(Section.CUSTOMER, "A"), (Section.SALES, "B"), (Section.FINANCE, "C")]
    )
    seen_version = meeting.agenda_version
    # Someone else moves C above B meanwhile.
    services.agenda_item_move(meeting=meeting, item_id=items[2].pk, direction="up", version=0)
    with pytest.raises(ValidationError, match="Someone else changed this agenda"):
        services.agenda_reorder(
            meeting=meeting,
            ordered_ids=[items[0].pk, items[1].pk, items[2].pk],
            version=seen_version,
        )
    assert titles(meeting) == ["A", "C", "B"]


def test_new_meeting_starts_from_the_default_customer_first_template():
    owner = leader()
    region = RegionFactory()
    factory_meeting = MeetingFactory.build(region=region)
    meeting = services.meeting_create(
        owner=owner,
        title="January",
        region=region,
        country="GB",
        starts_at=factory_meeting.starts_at,
        ends_at=factory_meeting.ends_at,
        time_zone="Europe/London",
    )
    template = AgendaTemplate.objects.get(is_default=True)
    sections = list(meeting.agenda_items.values_list("section", flat=True))
    assert sections == [i.section for i in template.items.all()]
    assert sections[0] == Section.CUSTOMER
    assert services.agenda_is_customer_first(list(meeting.agenda_items.all()))
    assert meeting.prep_items.count() >= 5


def test_only_one_default_template():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaTemplate.objects.create(name="Another", is_default=True)


def test_running_time_and_overrun():
    import datetime as dt

    from meetings.selectors import agenda_timing

    start = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
    meeting = MeetingFactory(
        starts_at=start, ends_at=start + dt.timedelta(hours=3), time_zone="Europe/Paris"
    )
    make_agenda(meeting, [(Section.CUSTOMER, "A"), (Section.SALES, "B")])
    AgendaItem.objects.filter(meeting=meeting, title="A").update(minutes=150)
    AgendaItem.objects.filter(meeting=meeting, title="B").update(minutes=45)
    timing = agenda_timing(meeting=meeting, items=list(meeting.agenda_items.all()))
    assert [r.starts_minute for r in timing.rows] == [0, 150]
    assert [r.clock for r in timing.rows] == ["11:00", "13:30"]  # Paris time, not UTC
    assert timing.total_minutes == 195
    assert timing.overrun_minutes == 15

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions import selectors, services
from actions.models import CharterItem, CharterVersion, ExpectationLink
from feedback.models import FeedbackItem
from tests.factories import (
    BookingFactory,
    FeedbackItemFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    executive,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db

ADVOCATE = "Give me one advocate who stays with me until it is solved"


def published_charter(by, texts=("Answer the phone within a minute",)):
    region = RegionFactory()
    region.leaders.add(by)  # a leader writes the charters of the regions they lead
    charter = services.charter_create(name="UK charter", region=region, by=by)
    version = charter.versions.get()
    for text in texts:
        services.charter_item_add(version=version, by=by, category="responsiveness", text=text)
    services.charter_version_mark_reviewed(version=version, by=by)
    services.charter_version_publish(version=version, by=by)
    return charter, version


def test_version_moves_draft_reviewed_published_and_cannot_skip_review():
    user = leader()
    charter = services.charter_create(name="Team charter", team="Support", by=user)
    draft = charter.versions.get()
    services.charter_item_add(version=draft, by=user, category="reliability", text="Keep promises")
    with pytest.raises(ValidationError, match="mark it reviewed"):
        services.charter_version_publish(version=draft, by=user)
    services.charter_version_mark_reviewed(version=draft, by=user)
    services.charter_version_publish(version=draft, by=user)
    draft.refresh_from_db()
    assert draft.status == CharterVersion.Status.PUBLISHED
    assert draft.published_at is not None


def test_published_version_is_read_only_and_nothing_changes():
    user = leader()
    charter, version = published_charter(user)
    item = version.items.get()
    with pytest.raises(ValidationError, match="published and can no longer be changed"):
        services.charter_item_add(version=version, by=user, category="other", text="New")
    with pytest.raises(ValidationError, match="published"):
        services.charter_item_update(item=item, by=user, category="other", text="Changed")
    with pytest.raises(ValidationError, match="published"):
        services.charter_item_delete(item=item, by=user)
    item.refresh_from_db()
    assert item.text == "Answer the phone within a minute"
    assert version.items.count() == 1


def test_editing_a_published_item_through_the_page_says_why_and_changes_nothing(client):
    user = leader()
    charter, version = published_charter(user)
    item = version.items.get()
    client.force_login(user)
    response = client.post(
        reverse("actions:charter_item_edit", args=[item.pk]),
        {"category": "other", "text": "Sneaky change"},
        follow=True,
    )
    assert "published and can no longer be changed" in response.content.decode()
    item.refresh_from_db()
    assert item.text == "Answer the phone within a minute"
    response = client.post(
        reverse("actions:charter_item_add", args=[version.pk]),
        {"category": "other", "text": "Added late"},
        follow=True,
    )
    assert "published and can no longer be changed" in response.content.decode()
    assert version.items.count() == 1


def test_next_draft_copies_items_with_their_lineage_and_there_is_one_draft_at_a_time():
    user = leader()
    charter, v1 = published_charter(user, texts=("A", "B"))
    v2 = services.charter_next_draft(charter=charter, by=user)
    assert v2.number == 2
    assert services.charter_next_draft(charter=charter, by=user) == v2
    assert {i.lineage for i in v2.items.all()} == {i.lineage for i in v1.items.all()}


def test_diff_between_versions_shows_added_removed_and_reworded_items():
    user = leader()
    charter, v1 = published_charter(
        user, texts=("Answer the phone within a minute", "Send a monthly report")
    )
    v2 = services.charter_next_draft(charter=charter, by=user)
    phone, report = v2.items.order_by("position")
    services.charter_item_update(
        item=phone, by=user, category="responsiveness", text="Answer the phone within two rings"
    )
    services.charter_item_delete(item=report, by=user)
    services.charter_item_add(version=v2, by=user, category="relationship", text=ADVOCATE)
    rows = selectors.charter_versions_diff(old=v1, new=v2)
    changes = {row.change: row for row in rows}
    assert set(changes) == {"changed", "removed", "added"}
    assert ("delete", "a minute") in changes["changed"].words
    assert ("insert", "two rings") in changes["changed"].words
    assert changes["removed"].old.text == "Send a monthly report"
    assert changes["added"].new.text == ADVOCATE


def test_diff_page_compares_any_two_versions(client):
    user = leader()
    charter, v1 = published_charter(user, texts=("Keep us informed",))
    v2 = services.charter_next_draft(charter=charter, by=user)
    services.charter_item_add(version=v2, by=user, category="relationship", text=ADVOCATE)
    client.force_login(executive())
    response = client.get(reverse("actions:charter_diff", args=[charter.pk]) + "?old=1&new=2")
    content = response.content.decode()
    assert response.status_code == 200
    assert "1 added, 0 changed, 0 removed, 1 unchanged" in content
    assert f"<ins>{ADVOCATE}</ins>" in content


def test_executive_reads_charters_but_cannot_change_them(client):
    user = leader()
    charter, version = published_charter(user)
    draft = services.charter_next_draft(charter=charter, by=user)
    client.force_login(executive())
    assert client.get(reverse("actions:charter_version", args=[version.pk])).status_code == 200
    response = client.post(
        reverse("actions:charter_item_add", args=[draft.pk]), {"category": "other", "text": "x"}
    )
    assert response.status_code == 403
    assert draft.items.count() == 1


def _hear(meeting, text, sentiment=FeedbackItem.Sentiment.NEGATIVE):
    return FeedbackItemFactory(
        meeting=meeting, kind=FeedbackItem.Kind.EXPECTATION, text=text, sentiment=sentiment
    )


def _meeting_with_guests(region, organisations):
    meeting = MeetingFactory(region=region)
    for organisation in organisations:
        BookingFactory(meeting=meeting, contact__organisation=organisation, attended=True)
    return meeting


def test_missing_from_charter_groups_by_wording_and_suppresses_small_groups(settings):
    settings.CHATHAM_MIN_ORGANISATIONS = 3
    user = facilitator()
    charter, version = published_charter(leader())
    orgs = [OrganisationFactory() for _ in range(3)]
    m1 = _meeting_with_guests(charter.region, orgs[:2])
    m2 = _meeting_with_guests(charter.region, orgs[2:])
    for meeting in (m1, m2, m1):
        fi = _hear(meeting, "Please stop passing me between departments.")
        services.expectation_link(feedback_item=fi, charter=charter, by=user, label=ADVOCATE)
    lonely = _hear(m2, "Send the agenda a week ahead.")
    services.expectation_link(
        feedback_item=lonely, charter=charter, by=user, label="Agenda a week ahead"
    )
    on_charter = _hear(m1, "Answer quickly.")
    services.expectation_link(
        feedback_item=on_charter, charter=charter, by=user, item=version.items.get()
    )
    groups = {g.label: g for g in selectors.missing_from_charter(charter=charter)}
    assert set(groups) == {ADVOCATE, "Agenda a week ahead"}
    advocate = groups[ADVOCATE]
    assert (advocate.heard, advocate.organisations, advocate.shown) == (3, 3, True)
    assert advocate.quotes.count("Please stop passing me between departments.") == 3
    agenda = groups["Agenda a week ahead"]
    assert agenda.shown is False
    assert agenda.quotes == []


def test_missing_page_hides_counts_and_quotes_below_the_minimum(client, settings):
    settings.CHATHAM_MIN_ORGANISATIONS = 3
    charter, _ = published_charter(leader())
    meeting = _meeting_with_guests(charter.region, [OrganisationFactory()])
    fi = _hear(meeting, "Call me before the invoice goes out.")
    services.expectation_link(
        feedback_item=fi, charter=charter, by=facilitator(), label="Call before invoicing"
    )
    client.force_login(executive())
    content = client.get(reverse("actions:charter_missing", args=[charter.pk])).content.decode()
    assert "Call before invoicing" in content
    assert "Call me before the invoice goes out." not in content
    assert "Heard 1 time" not in content
    assert "fewer than 3 organisations" in content


def test_promote_puts_the_expectation_in_the_next_draft_and_twice_is_refused(client):
    user = leader()
    charter, v1 = published_charter(user)
    meeting = _meeting_with_guests(charter.region, [OrganisationFactory()])
    for _ in range(2):
        fi = _hear(meeting, "One person, start to finish.")
        services.expectation_link(feedback_item=fi, charter=charter, by=user, label=ADVOCATE)
    client.force_login(user)
    url = reverse("actions:charter_promote", args=[charter.pk])
    response = client.post(url, {"label": ADVOCATE.lower()}, follow=True)
    assert "is now in draft version 2" in response.content.decode()
    draft = charter.versions.get(number=2)
    assert draft.items.filter(text=ADVOCATE).count() == 1
    assert ExpectationLink.objects.filter(promoted_item__version=draft).count() == 2
    response = client.post(url, {"label": ADVOCATE}, follow=True)
    assert "already promoted into version 2" in response.content.decode()
    assert draft.items.filter(text=ADVOCATE).count() == 1
    assert charter.versions.count() == 2


def test_publishing_the_draft_puts_promoted_expectations_on_the_charter():
    user = leader()
    charter, _ = published_charter(user)
    fi = _hear(MeetingFactory(region=charter.region), "One person please.")
    services.expectation_link(feedback_item=fi, charter=charter, by=user, label=ADVOCATE)
    item = services.expectation_promote(charter=charter, label=ADVOCATE, by=user)
    services.charter_version_mark_reviewed(version=item.version, by=user)
    services.charter_version_publish(version=item.version, by=user)
    link = ExpectationLink.objects.get()
    assert link.item == item
    assert selectors.missing_from_charter(charter=charter) == []


def test_only_expectations_can_be_linked():
    user = leader()
    charter, _ = published_charter(user)
    concern = FeedbackItemFactory(kind=FeedbackItem.Kind.CONCERN)
    with pytest.raises(ValidationError, match="expectation"):
        services.expectation_link(feedback_item=concern, charter=charter, by=user)
    assert not ExpectationLink.objects.exists()


def test_placing_an_expectation_through_the_page(client):
    user = facilitator()
    charter, version = published_charter(leader())
    meeting = MeetingFactory(region=charter.region, facilitators=[user])
    fi = _hear(meeting, "Tell me who owns my case.")
    client.force_login(user)
    page = client.get(reverse("actions:charter_heard", args=[charter.pk])).content.decode()
    assert "Tell me who owns my case." in page
    client.post(
        reverse("actions:charter_heard", args=[charter.pk]),
        {"feedback_item": fi.pk, "placement": "none", "label": ADVOCATE},
    )
    link = ExpectationLink.objects.get()
    assert link.item is None
    assert link.label == ADVOCATE
    page = client.get(reverse("actions:charter_heard", args=[charter.pk])).content.decode()
    assert "Tell me who owns my case." not in page


# --- Measures ------------------------------------------------------------------------------


def _measured_item(user, values, direction="at_least", target="90"):
    charter, version = published_charter(user)
    item = version.items.get()
    measure = services.measure_create(
        item=item,
        by=user,
        name="Calls answered in a minute",
        unit="%",
        target=Decimal(target),
        direction=direction,
    )
    for month, value in values.items():
        services.measure_record(measure=measure, month=month, value=Decimal(value), by=user)
    return charter, version, item, measure


def test_measure_is_red_or_green_per_month():
    user = leader()
    months = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    charter, version, item, measure = _measured_item(user, {months[0]: "80", months[1]: "95"})
    rows = selectors.measure_rows(charter=charter, months=months)[item.lineage]
    assert [c["green"] for c in rows[0].cells] == [False, True, None]


def test_at_most_measure_is_green_below_target():
    user = leader()
    charter, version, item, measure = _measured_item(
        user, {dt.date(2026, 1, 1): "2"}, direction="at_most", target="3"
    )
    assert measure.is_green(Decimal("2"))
    assert not measure.is_green(Decimal("4"))


def test_one_value_per_month_and_a_future_month_is_refused():
    user = leader()
    charter, version, item, measure = _measured_item(user, {dt.date(2026, 1, 15): "80"})
    services.measure_record(measure=measure, month=dt.date(2026, 1, 1), value=Decimal(91), by=user)
    assert list(measure.values.values_list("value", flat=True)) == [Decimal("91.00")]
    with pytest.raises(ValidationError, match="future"):
        services.measure_record(
            measure=measure, month=dt.date(2099, 1, 1), value=Decimal(1), by=user
        )


def _heard_about(charter, item, sentiments, organisations=3):
    meeting = _meeting_with_guests(
        charter.region, [OrganisationFactory() for _ in range(organisations)]
    )
    for sentiment in sentiments:
        fi = _hear(meeting, "About calls.", sentiment=sentiment)
        services.expectation_link(feedback_item=fi, charter=charter, by=leader(), item=item)


NEG, POS = FeedbackItem.Sentiment.NEGATIVE, FeedbackItem.Sentiment.POSITIVE


@pytest.mark.parametrize(
    ("values", "sentiments", "flagged"),
    [
        ({dt.date(2026, 1, 1): "95"}, [NEG, NEG, POS], True),
        ({dt.date(2026, 1, 1): "95"}, [NEG, POS], False),  # half is not "mostly"
        ({dt.date(2026, 1, 1): "95", dt.date(2026, 2, 1): "80"}, [NEG, NEG], False),  # red now
        ({dt.date(2026, 1, 1): "95"}, [], False),  # nothing heard
    ],
)
def test_flag_when_every_measure_is_green_but_feedback_is_mostly_negative(
    values, sentiments, flagged
):
    user = leader()
    charter, version, item, measure = _measured_item(user, values)
    _heard_about(charter, item, sentiments)
    rows = selectors.charter_items_with_measures(
        version=version, months=selectors.last_months(today=dt.date(2026, 2, 1))
    )
    assert rows[0]["wrong_things"] is flagged


def test_flag_and_counts_are_withheld_when_fewer_than_three_organisations_were_heard(client):
    user = leader()
    charter, version, item, measure = _measured_item(user, {dt.date(2026, 1, 1): "95"})
    _heard_about(charter, item, [NEG, NEG, NEG], organisations=2)
    rows = selectors.charter_items_with_measures(version=version, months=selectors.last_months())
    assert rows[0]["wrong_things"] is False
    client.force_login(executive())
    content = client.get(reverse("actions:charter_version", args=[version.pk])).content.decode()
    assert "Heard 3 times" not in content
    assert "fewer than 3 organisations" in content


def test_flag_needs_every_measure_green():
    user = leader()
    charter, version, item, measure = _measured_item(user, {dt.date(2026, 1, 1): "95"})
    second = services.measure_create(
        item=item, by=user, name="Cases solved first time", target=Decimal(80), direction="at_least"
    )
    services.measure_record(measure=second, month=dt.date(2026, 1, 1), value=Decimal(50), by=user)
    _heard_about(charter, item, [NEG, NEG])
    rows = selectors.charter_items_with_measures(version=version, months=selectors.last_months())
    assert rows[0]["wrong_things"] is False


def test_charter_page_shows_the_flag(client):
    user = leader()
    charter, version, item, measure = _measured_item(user, {dt.date(2026, 1, 1): "95"})
    _heard_about(charter, item, [NEG, NEG])
    client.force_login(executive())
    content = client.get(reverse("actions:charter_version", args=[version.pk])).content.decode()
    assert "We may be measuring the wrong things" in content


def test_measures_follow_an_item_into_the_next_version():
    user = leader()
    charter, version, item, measure = _measured_item(user, {dt.date(2026, 1, 1): "95"})
    v2 = services.charter_next_draft(charter=charter, by=user)
    rows = selectors.charter_items_with_measures(version=v2, months=selectors.last_months())
    assert [r.measure for r in rows[0]["measures"]] == [measure]
    assert CharterItem.objects.filter(lineage=item.lineage).count() == 2


def test_guests_who_declined_or_were_absent_do_not_count_as_organisations_behind(settings):
    settings.CHATHAM_MIN_ORGANISATIONS = 3
    charter, _ = published_charter(leader())
    meeting = _meeting_with_guests(charter.region, [OrganisationFactory() for _ in range(2)])
    BookingFactory(meeting=meeting, rsvp="declined")
    BookingFactory(meeting=meeting, attended=False, rsvp="accepted")
    fi = _hear(meeting, "One person, start to finish.")
    services.expectation_link(feedback_item=fi, charter=charter, by=leader(), label=ADVOCATE)
    [group] = selectors.missing_from_charter(charter=charter)
    assert group.organisations == 2
    assert group.shown is False
    BookingFactory(meeting=meeting, rsvp="accepted")  # attendance not marked yet
    [group] = selectors.missing_from_charter(charter=charter)
    assert group.organisations == 3
    assert group.shown is True

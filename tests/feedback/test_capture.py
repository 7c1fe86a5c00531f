"""The capture page and its endpoints, as facilitators, owners and others use them."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from feedback.models import CaptureState, FeedbackItem, JourneyStage, Tag
from feedback.services import FeedbackLocked, feedback_capture
from feedback.warmup import warm_capture
from meetings.models import AgendaItem, Meeting
from tests.factories import FeedbackItemFactory, administrator, executive, facilitator

CLIENT = {"HTTP_X_CAPTURE_CLIENT": "1"}


def post_url(meeting):
    return reverse("feedback:capture_post", args=[meeting.pk])


def test_enter_saves_a_redacted_item_with_a_tag_and_a_stage_in_four_queries(
    client, running, settings, django_assert_max_num_queries
):
    """Through Django's authentication, the capture rule and `feedback_capture`: the user,
    the meeting (with its rules and redactor fingerprint), the item and its tag."""
    # As in production with Redis: the session is read from the shared cache.
    settings.SESSION_ENGINE = "accounts.sessions"
    Tag.objects.create(name="invoices")
    client.force_login(running.facilitator)
    client.get(reverse("feedback:capture", args=[running.meeting.pk]))  # warms the caches
    stage = JourneyStage.objects.get(name="Billing")
    client.post(post_url(running.meeting), running.post_data("first", tags="invoices"), **CLIENT)
    data = running.post_data(
        "Will Baker says Acme's invoices are late; call +44 20 7946 0958",
        tags="invoices",
        stage=str(stage.pk),
    )
    with django_assert_max_num_queries(4 + _TRANSACTION_STATEMENTS) as queries:
        response = client.post(post_url(running.meeting), data, **CLIENT)
    assert response.status_code == 201
    assert [q["sql"].split()[0] for q in _data_queries(queries)] == [
        "SELECT",  # the user, by Django's authentication
        "SELECT",  # the meeting, its rules and its redactor's fingerprint
        "INSERT",  # the item
        "INSERT",  # its tag
    ]
    item = FeedbackItem.objects.get(number=2)
    assert item.text == "[person] says [organisation]'s invoices are late; call [phone]"
    assert [t.name for t in item.tags.all()] == ["invoices"]
    assert item.stage == stage
    # The day of the meeting on its own clock (at 23:30 UTC it is already tomorrow in London).
    zone = ZoneInfo(running.meeting.time_zone)
    assert item.meeting_date == running.meeting.starts_at.astimezone(zone).date()
    body = response.content.decode()
    assert "[person] says [organisation]" in body
    assert "Will" not in body
    assert "invoices" in body
    assert "Billing" in body


# The test's own transaction makes the request's (ATOMIC_REQUESTS) a savepoint: SAVEPOINT
# and RELEASE are counted too; they are not round trips the request makes in production.
_TRANSACTION_STATEMENTS = 2


def _data_queries(queries):
    return [
        q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"] and q["sql"] != "BEGIN"
    ]


def test_a_plain_item_takes_three_queries(client, running, settings, django_assert_max_num_queries):
    settings.SESSION_ENGINE = "accounts.sessions"
    client.force_login(running.facilitator)
    client.get(reverse("feedback:capture", args=[running.meeting.pk]))
    for number, text in enumerate(("Will Baker is unhappy", "Acme Logistics wants reports"), 1):
        with django_assert_max_num_queries(3 + _TRANSACTION_STATEMENTS):
            response = client.post(post_url(running.meeting), running.post_data(text), **CLIENT)
        assert response.status_code == 201
        assert f"#{number}" in response.content.decode()
    assert list(FeedbackItem.objects.values_list("number", "text")) == [
        (1, "[person] is unhappy"),
        (2, "[organisation] wants reports"),
    ]


def test_a_fresh_worker_saves_its_first_item_without_building_a_redactor(
    client, running, settings, django_assert_max_num_queries
):
    """The worker's start (config/wsgi.py) built the redactors of the meetings running now:
    the first item is as quick as the next, with no capture page opened in this process."""
    settings.SESSION_ENGINE = "accounts.sessions"
    client.force_login(running.facilitator)
    warm_capture()
    with django_assert_max_num_queries(3 + _TRANSACTION_STATEMENTS):
        response = _capture(client, running, "Zoë wants a call")
    assert response.status_code == 201
    assert FeedbackItem.objects.get().text == "[person] wants a call"


def _capture(client, running, text: str, **extra):
    return client.post(post_url(running.meeting), running.post_data(text, **extra), **CLIENT)


@pytest.fixture
def capturing(client, running):
    """A facilitator who has the page open and has saved one item: every cache is warm."""
    client.force_login(running.facilitator)
    client.get(reverse("feedback:capture", args=[running.meeting.pk]))
    assert _capture(client, running, "warm-up").status_code == 201
    return client


def test_a_guest_booked_mid_meeting_is_redacted_in_the_very_next_item(capturing, running):
    from tests.factories import BookingFactory, ContactFactory, OrganisationFactory

    BookingFactory(
        meeting=running.meeting,
        contact=ContactFactory(
            organisation=OrganisationFactory(name="Initech Systems"),
            name="Quentin Blake",
            email="qb@initech.example",
        ),
    )
    response = _capture(capturing, running, "Quentin said Initech will write to qb@initech.example")
    assert response.status_code == 201
    stored = FeedbackItem.objects.get(number=2).text
    assert stored == "[person] said [organisation] will write to [email]"


def test_a_guest_renamed_mid_meeting_is_redacted_in_the_very_next_item(capturing, running):
    running.guest2.name = "Zoë Lindqvist"
    running.guest2.save()
    assert _capture(capturing, running, "Lindqvist wants a call").status_code == 201
    assert FeedbackItem.objects.get(number=2).text == "[person] wants a call"


def test_an_organisation_added_mid_meeting_is_redacted_in_the_very_next_item(capturing, running):
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="Umbrella Pharma")
    assert _capture(capturing, running, "Umbrella Pharma does it better").status_code == 201
    assert FeedbackItem.objects.get(number=2).text == "[organisation] does it better"


def test_a_colleague_added_mid_meeting_is_redacted_in_the_very_next_item(capturing, running):
    running.meeting.internal_attendees.add(facilitator(first_name="Oluwaseun", last_name="Dare"))
    assert _capture(capturing, running, "Oluwaseun agreed").status_code == 201
    assert FeedbackItem.objects.get(number=2).text == "[person] agreed"


def test_a_password_changed_elsewhere_stops_the_very_next_item(capturing, running):
    """As Django's own session check: the session is logged out, nothing is stored."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    # Another process (the password page, the admin): no signal reaches this one.
    User.objects.filter(pk=running.facilitator.pk).update(password=make_password("n3w-Secret!"))
    response = _capture(capturing, running, "late again")
    assert response.status_code == 403
    assert FeedbackItem.objects.count() == 1
    assert "_auth_user_id" not in capturing.session


def test_a_deactivated_facilitator_cannot_capture_the_next_item(capturing, running):
    from accounts.models import User

    User.objects.filter(pk=running.facilitator.pk).update(is_active=False)
    response = _capture(capturing, running, "late again")
    assert response.status_code == 403
    assert FeedbackItem.objects.count() == 1


def test_a_logged_out_session_cannot_capture_and_the_page_keeps_the_text(capturing, running):
    capturing.post(reverse("logout"))
    # The page's script gets a refusal it shows with Retry, not a redirect to the login
    # page (which it could take for a saved item); a plain form post is sent to log in.
    response = _capture(capturing, running, "late again")
    assert response.status_code == 403
    assert "log in again" in response.content.decode()
    plain = capturing.post(post_url(running.meeting), running.post_data("late again"))
    assert plain.status_code == 302
    assert "/login" in plain["Location"]
    assert FeedbackItem.objects.count() == 1


def test_an_expired_session_cannot_capture(capturing, running):
    from django.contrib.sessions.models import Session

    Session.objects.filter(pk=capturing.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    cache.clear()  # with Redis, as when its copy of the session has aged out (5 minutes)
    response = _capture(capturing, running, "late again")
    assert response.status_code == 403
    assert FeedbackItem.objects.count() == 1


def test_a_facilitator_removed_mid_meeting_can_no_longer_capture(capturing, running):
    running.meeting.facilitators.remove(running.facilitator)
    assert _capture(capturing, running, "late again").status_code == 404
    assert FeedbackItem.objects.count() == 1


def test_a_meeting_closed_mid_capture_refuses_the_next_item(capturing, running):
    # Even when the status changes without the model's save().
    Meeting.objects.filter(pk=running.meeting.pk).update(status=Meeting.Status.CLOSED)
    response = _capture(capturing, running, "late again")
    assert response.status_code == 409
    assert "locked" in response.content.decode()
    assert FeedbackItem.objects.count() == 1


def test_a_meeting_moved_mid_capture_dates_the_next_item_on_its_new_day(capturing, running):
    new_start = running.meeting.starts_at + dt.timedelta(days=3)
    Meeting.objects.filter(pk=running.meeting.pk).update(
        starts_at=new_start, ends_at=new_start + dt.timedelta(hours=2)
    )
    assert _capture(capturing, running, "moved").status_code == 201
    new_day = new_start.astimezone(ZoneInfo(running.meeting.time_zone)).date()
    assert FeedbackItem.objects.get(number=2).meeting_date == new_day


def test_a_removed_journey_stage_is_refused_with_a_message(capturing, running):
    stage = JourneyStage.objects.create(name="Onboarding old", position=99)
    stage_id = stage.pk
    stage.delete()
    response = _capture(capturing, running, "slow start", stage=str(stage_id))
    assert response.status_code == 400
    assert "moment of truth" in response.content.decode().lower()
    assert FeedbackItem.objects.count() == 1


def test_capture_with_stage_and_tags(client, running):
    client.force_login(running.facilitator)
    stage = JourneyStage.objects.get(name="Billing")
    data = running.post_data(
        "Invoices are late", stage=str(stage.pk), tags="invoices, Response time"
    )
    response = client.post(post_url(running.meeting), data, **CLIENT)
    assert response.status_code == 201
    item = FeedbackItem.objects.get()
    assert item.stage == stage
    assert sorted(t.name for t in item.tags.all()) == ["Response time", "invoices"]
    assert "Billing" in response.content.decode()


def test_a_tag_naming_an_organisation_is_refused_and_nothing_saved(client, running):
    client.force_login(running.facilitator)
    response = client.post(
        post_url(running.meeting), running.post_data("slow", tags="Acme"), **CLIENT
    )
    assert response.status_code == 400
    assert "may not name" in response.content.decode()
    assert not FeedbackItem.objects.exists()
    assert not Tag.objects.exists()


def test_retry_with_the_same_key_creates_no_duplicate(client, running):
    client.force_login(running.facilitator)
    data = running.post_data("The portal logs us out")
    first = client.post(post_url(running.meeting), data, **CLIENT)
    again = client.post(post_url(running.meeting), data, **CLIENT)
    assert (first.status_code, again.status_code) == (201, 200)
    assert FeedbackItem.objects.count() == 1
    assert 'data-number="1"' in again.content.decode()


def test_two_facilitators_get_consecutive_numbers(client, running):
    client.force_login(running.facilitator)
    client.post(post_url(running.meeting), running.post_data("one"), **CLIENT)
    client.force_login(running.facilitator2)
    client.post(post_url(running.meeting), running.post_data("two"), **CLIENT)
    assert list(FeedbackItem.objects.values_list("number", "text")) == [(1, "one"), (2, "two")]


def test_numbers_are_per_meeting(running):
    other = Meeting.objects.create(
        title="Other",
        region=running.meeting.region,
        country="GB",
        starts_at=running.meeting.starts_at,
        ends_at=running.meeting.ends_at,
        time_zone="Europe/London",
        owner=running.owner,
    )
    FeedbackItemFactory(meeting=running.meeting, number=7)
    result = feedback_capture(meeting=other, text="first", idempotency_key=uuid.uuid4())
    assert result.item.number == 1


def test_empty_text_is_refused_with_a_message(client, running):
    client.force_login(running.facilitator)
    response = client.post(post_url(running.meeting), running.post_data("   "), **CLIENT)
    assert response.status_code == 400
    assert "Type what was said" in response.content.decode()


def test_without_javascript_the_form_posts_and_comes_back(client, running):
    client.force_login(running.facilitator)
    response = client.post(post_url(running.meeting), running.post_data("Plain form"), follow=True)
    assert response.status_code == 200
    assert "Item 1 saved." in response.content.decode()
    assert "Plain form" in response.content.decode()


@pytest.mark.parametrize(
    "who", ["executive", "administrator", "other_facilitator", "leader_not_owner"]
)
def test_nobody_else_may_see_or_capture(client, running, who):
    from tests.factories import leader

    user = {
        "executive": executive,
        "administrator": lambda: administrator(is_superuser=True, is_staff=True),
        "other_facilitator": facilitator,
        "leader_not_owner": leader,
    }[who]()
    client.force_login(user)
    assert client.get(reverse("feedback:capture", args=[running.meeting.pk])).status_code == 404
    response = client.post(post_url(running.meeting), running.post_data("x"), **CLIENT)
    assert response.status_code == 404
    assert client.get(reverse("feedback:export_csv", args=[running.meeting.pk])).status_code == 404
    assert not FeedbackItem.objects.exists()


def test_owner_and_co_owner_read_but_cannot_capture(client, running):
    FeedbackItemFactory(meeting=running.meeting, text="Seen by the owner")
    for user in (running.owner, running.co_owner):
        client.force_login(user)
        page = client.get(reverse("feedback:capture", args=[running.meeting.pk]))
        assert page.status_code == 200
        assert "Seen by the owner" in page.content.decode()
        assert 'id="capture-form"' not in page.content.decode()
        response = client.post(
            post_url(running.meeting), running.post_data("owner typed"), **CLIENT
        )
        assert response.status_code == 409
    assert FeedbackItem.objects.count() == 1


def test_anonymous_users_are_sent_to_login(client, running):
    response = client.get(reverse("feedback:capture", args=[running.meeting.pk]))
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_closing_the_meeting_locks_capture_edit_and_removal(client, running):
    item = FeedbackItemFactory(meeting=running.meeting, text="before closing")
    running.meeting.status = Meeting.Status.CLOSED
    running.meeting.save()
    client.force_login(running.facilitator)
    assert (
        client.post(post_url(running.meeting), running.post_data("late"), **CLIENT).status_code
        == 409
    )
    edit = reverse("feedback:item_edit", args=[item.pk])
    assert client.post(edit, {"text": "changed"}).status_code == 404
    assert client.post(reverse("feedback:item_delete", args=[item.pk])).status_code == 404
    page = client.get(reverse("feedback:capture", args=[running.meeting.pk])).content.decode()
    assert "Read only" in page
    assert "Remove" not in page
    item.refresh_from_db()
    assert item.text == "before closing"
    with pytest.raises(FeedbackLocked):
        feedback_capture(meeting=running.meeting, text="x", idempotency_key=uuid.uuid4())


def test_edit_redacts_again_and_tells_other_screens(
    client, running, django_capture_on_commit_callbacks
):
    client.force_login(running.facilitator)
    client.post(post_url(running.meeting), running.post_data("first text"), **CLIENT)
    item = FeedbackItem.objects.get()
    poll = reverse("feedback:capture_poll", args=[running.meeting.pk])
    revision_before = client.get(poll, {"since": 1, "rev": -1}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("feedback:item_edit", args=[item.pk]),
            {
                "text": "Mark Rose from Northwind disagrees",
                "kind": "idea",
                "sentiment": "neutral",
                "section": "sales",
                "source": "staff",
                "stage": "",
                "tags": "",
            },
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.text == "[person] from [organisation] disagrees"
    assert (item.kind, item.section, item.source) == ("idea", "sales", "staff")
    assert 'data-rev="0"' in revision_before
    refreshed = client.get(poll, {"since": 1, "rev": 0}).content.decode()
    assert 'data-full="1"' in refreshed
    assert "[person] from [organisation] disagrees" in refreshed


def test_remove_deletes_the_item(client, running):
    item = FeedbackItemFactory(meeting=running.meeting)
    client.force_login(running.facilitator2)
    response = client.post(reverse("feedback:item_delete", args=[item.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not FeedbackItem.objects.exists()


def test_poll_returns_only_items_after_the_cursor(client, running):
    for n in (1, 2, 3):
        FeedbackItemFactory(meeting=running.meeting, number=n, text=f"item {n}")
    client.force_login(running.facilitator)
    html = client.get(
        reverse("feedback:capture_poll", args=[running.meeting.pk]), {"since": 2, "rev": 0}
    ).content.decode()
    assert "item 3" in html
    assert "item 2" not in html
    assert 'data-cursor="3"' in html
    assert 'data-full="0"' in html


def test_the_kind_suggestion_follows_the_items_as_they_are_captured(client, running):
    client.force_login(running.facilitator)
    poll = reverse("feedback:capture_poll", args=[running.meeting.pk])
    page = client.get(reverse("feedback:capture", args=[running.meeting.pk])).content.decode()
    assert "Nothing captured yet: no suggestion." in page
    for text in ("The engineers are excellent", "Support is quick", "Invoices are clear"):
        _capture(client, running, text, kind="praise", sentiment="positive")
    html = client.get(poll, {"since": 0, "rev": 0}).content.decode()
    assert f'id="kind-suggestion-{running.meeting.pk}"' in html
    assert "Likely Love-In" in html
    # Nothing new since the cursor: the poll stays small and recounts nothing.
    quiet = client.get(poll, {"since": 3, "rev": 0}).content.decode()
    assert "kind-suggestion" not in quiet
    for text in ("Invoices are late", "Nobody answers", "The portal is down", "Refunds take weeks"):
        _capture(client, running, text)
    html = client.get(poll, {"since": 3, "rev": 0}).content.decode()
    assert "Likely 4F" in html
    assert "Love-In" not in html


def test_section_advances_for_everyone(client, running):
    AgendaItem.objects.create(meeting=running.meeting, section="customer", title="VoC", position=1)
    AgendaItem.objects.create(
        meeting=running.meeting, section="operations", title="Ops", position=2
    )
    client.force_login(running.facilitator)
    url = reverse("feedback:capture_section", args=[running.meeting.pk])
    response = client.post(url, {"advance": "next"}, **CLIENT)
    assert response.content.decode() == "operations"
    assert CaptureState.objects.get(meeting=running.meeting).section == "operations"
    client.force_login(running.facilitator2)
    html = client.get(reverse("feedback:capture_poll", args=[running.meeting.pk])).content.decode()
    assert 'data-section="operations"' in html
    page = client.get(reverse("feedback:capture", args=[running.meeting.pk])).content.decode()
    assert '<option value="operations" selected>' in page


@pytest.fixture
def mid_morning(time_machine):
    """10:30 UTC on a weekday, whatever the hour the suite runs at."""
    time_machine.move_to(dt.datetime(2026, 6, 10, 10, 30, tzinfo=dt.UTC), tick=False)


def test_capture_page_shows_numbers_and_only_the_day(client, mid_morning, running):
    # The meeting began at 09:45 on the clock of its own zone, and has not ended yet.
    zone = ZoneInfo(running.meeting.time_zone)
    running.meeting.starts_at = timezone.now().astimezone(zone).replace(hour=9, minute=45)
    assert running.meeting.starts_at < running.meeting.ends_at
    running.meeting.save()
    FeedbackItemFactory(meeting=running.meeting, number=1)
    client.force_login(running.facilitator)
    page = client.get(reverse("feedback:capture", args=[running.meeting.pk])).content.decode()
    assert "#1" in page
    assert "09:45" not in page
    assert "9:45" not in page


def test_guest_link_and_qr_only_while_the_meeting_runs(client, running):
    client.force_login(running.facilitator)
    page = client.get(reverse("feedback:capture", args=[running.meeting.pk])).content.decode()
    assert "QR code of the guest comment link" in page
    qr = client.get(reverse("feedback:guest_qr", args=[running.meeting.pk]))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<svg")
    running.meeting.starts_at = timezone.now() + dt.timedelta(days=2)
    running.meeting.ends_at = running.meeting.starts_at + dt.timedelta(hours=2)
    running.meeting.save()
    assert client.get(reverse("feedback:guest_qr", args=[running.meeting.pk])).status_code == 404
    page = client.get(reverse("feedback:capture", args=[running.meeting.pk])).content.decode()
    assert "QR code of the guest" not in page

"""Overdue reminders and "you said, we did" through the outbox: each mail exactly once."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import selectors, services, tasks
from actions.models import Action
from outbox.models import OutboxMail
from tests.factories import (
    ActionFactory,
    BookingFactory,
    ContactFactory,
    FeedbackItemFactory,
    MeetingFactory,
    OrganisationFactory,
    leader,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def reminders():
    return OutboxMail.objects.filter(kind=OutboxMail.Kind.ACTION_REMINDER)


def test_overdue_owner_gets_one_reminder_per_due_date():
    owner = leader(email="lena@staff.example")
    action = ActionFactory(
        owner=owner, title="Ring the key account", due_date=TODAY - dt.timedelta(days=2)
    )
    assert services.actions_remind_overdue(today=TODAY) == 1
    assert services.actions_remind_overdue(today=TODAY) == 0
    assert services.actions_remind_overdue(today=TODAY + dt.timedelta(days=1)) == 0
    [mail] = reminders()
    assert mail.recipient == "lena@staff.example"
    assert mail.delivery_key == f"action-reminder:{action.pk}:{action.due_date.isoformat()}"
    assert "Ring the key account" in mail.subject
    assert reverse("actions:detail", args=[action.pk]) in mail.text_body
    # A new due date that passes in turn earns one more reminder.
    action.due_date = TODAY + dt.timedelta(days=3)
    action.save()
    assert services.actions_remind_overdue(today=TODAY + dt.timedelta(days=2)) == 0
    assert services.actions_remind_overdue(today=TODAY + dt.timedelta(days=4)) == 1
    assert reminders().count() == 2


def test_no_reminder_for_actions_done_wont_do_or_not_yet_due():
    ActionFactory(due_date=TODAY - dt.timedelta(days=1), status=Action.Status.DONE)
    ActionFactory(
        due_date=TODAY - dt.timedelta(days=1), status=Action.Status.WONT_DO, status_reason="No."
    )
    ActionFactory(due_date=TODAY)
    assert services.actions_remind_overdue(today=TODAY) == 0
    assert not reminders().exists()


def test_in_progress_overdue_actions_are_reminded_too():
    ActionFactory(due_date=TODAY - dt.timedelta(days=1), status=Action.Status.IN_PROGRESS)
    assert services.actions_remind_overdue(today=TODAY) == 1


def test_beat_runs_the_reminder_task():
    entry = settings.CELERY_BEAT_SCHEDULE["actions.remind_overdue"]
    assert entry["task"] == "actions.remind_overdue"
    assert tasks.remind_overdue.name == "actions.remind_overdue"
    ActionFactory(due_date=timezone.localdate() - dt.timedelta(days=1))
    tasks.remind_overdue.delay()
    assert reminders().count() == 1


# --- "You said, we did" ----------------------------------------------------------------


def held_meeting(**kwargs):
    start = timezone.now() - dt.timedelta(days=3)
    return MeetingFactory(
        starts_at=start, ends_at=start + dt.timedelta(hours=3), status="held", **kwargs
    )


@pytest.fixture
def meeting_with_guests():
    meeting = held_meeting(owner=leader(first_name="Lena", last_name="Okafor"))
    guests = {}
    for name, org in [
        ("Priya Raman", "Brightwater Logistics"),
        ("Tom Achebe", "Northwind Traders"),
    ]:
        contact = ContactFactory(name=name, organisation=OrganisationFactory(name=org))
        guests[name] = BookingFactory(meeting=meeting, contact=contact, attended=True)
    guests["declined"] = BookingFactory(
        meeting=meeting, contact__name="Dana Declined", rsvp="declined", attended=False
    )
    guests["erased"] = BookingFactory(
        meeting=meeting,
        contact__name="Erin Erased",
        attended=True,
        contact__erased_at=timezone.now(),
    )
    concern = FeedbackItemFactory(meeting=meeting, text="Support hands me from team to team.")
    ActionFactory(
        meeting=meeting,
        feedback_item=concern,
        status="done",
        title="One advocate per key customer",
        what_was_done="Priya now has one advocate at Brightwater Logistics.",
    )
    follow_up = services.follow_up_compose(
        meeting=meeting,
        by=meeting.owner,
        introduction="Thank you for your time.",
        closing="",
        feedback_items=[concern],
    )
    return meeting, follow_up, guests


def follow_ups():
    return OutboxMail.objects.filter(kind=OutboxMail.Kind.FOLLOW_UP)


def test_each_guest_gets_the_follow_up_once(meeting_with_guests):
    meeting, follow_up, guests = meeting_with_guests
    assert services.follow_up_publish(follow_up=follow_up, by=meeting.owner) == 2
    assert services.follow_up_publish(follow_up=follow_up, by=meeting.owner) == 0
    mails = follow_ups()
    assert sorted(m.recipient for m in mails) == sorted(
        guests[n].contact.email for n in ("Priya Raman", "Tom Achebe")
    )
    assert {m.delivery_key for m in mails} == {
        f"follow-up:{meeting.pk}:{guests[n].pk}" for n in ("Priya Raman", "Tom Achebe")
    }
    follow_up.refresh_from_db()
    assert follow_up.published_at is not None
    assert follow_up.recipients_count == 2


def test_follow_up_mail_names_only_its_recipient_and_no_organisation(meeting_with_guests):
    meeting, follow_up, guests = meeting_with_guests
    services.follow_up_publish(follow_up=follow_up, by=meeting.owner)
    mail = follow_ups().get(recipient=guests["Priya Raman"].contact.email)
    for body in (mail.subject, mail.text_body, mail.html_body):
        for forbidden in (
            "Tom",
            "Achebe",
            "Brightwater",
            "Northwind",
            "Lena",
            "Okafor",
        ):
            assert forbidden not in body
    # The meeting is named by its own title (scrubbed of customers' names).
    assert mail.subject == f"You said, we did: {meeting.title}"
    assert mail.text_body.startswith("Dear Priya Raman,")
    assert "Priya" not in mail.text_body.split("\n", 1)[1]  # only in the greeting
    assert "One advocate per key customer" in mail.text_body
    assert "[person] now has one advocate at [organisation]." in mail.text_body


def test_guest_reads_the_follow_up_from_the_signed_link_in_the_mail(client, meeting_with_guests):
    meeting, follow_up, guests = meeting_with_guests
    services.follow_up_publish(follow_up=follow_up, by=meeting.owner)
    mail = follow_ups().get(recipient=guests["Tom Achebe"].contact.email)
    url = re.search(r"https?://\S+/actions/guest/\S+/", mail.text_body).group(0)
    response = client.get(url.replace(settings.SITE_URL, ""))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dear guest" in content
    assert "Support hands me from team to team." in content
    for forbidden in ("Tom", "Priya", "Brightwater", "Northwind"):
        assert forbidden not in content


def test_published_follow_up_is_read_only(meeting_with_guests):
    meeting, follow_up, guests = meeting_with_guests
    services.follow_up_publish(follow_up=follow_up, by=meeting.owner)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.follow_up_compose(
            meeting=meeting, by=meeting.owner, introduction="Changed", closing="", feedback_items=[]
        )
    follow_up.refresh_from_db()
    assert follow_up.introduction == "Thank you for your time."


def test_send_button_twice_sends_nothing_twice(client, meeting_with_guests):
    meeting, follow_up, guests = meeting_with_guests
    client.force_login(meeting.owner)
    url = reverse("actions:follow_up_send", args=[meeting.pk])
    first = client.post(url, follow=True).content.decode()
    assert "on its way to 2 guests" in first
    second = client.post(url, follow=True).content.decode()
    assert "already been sent" in second
    assert follow_ups().count() == 2


def test_follow_up_without_any_reachable_guest_is_refused():
    meeting = held_meeting()
    BookingFactory(meeting=meeting, rsvp="declined", attended=False)
    item = FeedbackItemFactory(meeting=meeting)
    follow_up = services.follow_up_compose(
        meeting=meeting, by=meeting.owner, introduction="", closing="", feedback_items=[item]
    )
    with pytest.raises(ValidationError, match="No guest can receive"):
        services.follow_up_publish(follow_up=follow_up, by=meeting.owner)
    follow_up.refresh_from_db()
    assert follow_up.published_at is None
    assert not follow_ups().exists()


def test_published_follow_up_counts_its_concerns_as_answered(meeting_with_guests):
    meeting, follow_up, guests = meeting_with_guests
    other = held_meeting()
    FeedbackItemFactory(meeting=other)
    assert selectors.concerns_answered_share()["answered"] == 0
    services.follow_up_publish(follow_up=follow_up, by=meeting.owner)
    share = selectors.concerns_answered_share()
    assert share == {"concerns": 2, "answered": 1, "share": 0.5}

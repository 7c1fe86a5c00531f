import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from invitations.services import invitation_send
from invitations.tokens import rsvp_token, rsvp_url
from meetings.models import Booking, Meeting
from outbox.models import OutboxMail
from tests.factories import BookingFactory, ContactFactory, MeetingFactory, executive, leader

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def meeting(frozen):
    start = dt.datetime(2027, 3, 20, 10, 0, tzinfo=LONDON)
    return MeetingFactory(
        agenda=True,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        title="Spring leadership",
    )


@pytest.fixture
def guest(meeting):
    return BookingFactory(meeting=meeting, contact=ContactFactory(name="Ada Guest"))


@pytest.fixture
def other_guest(meeting):
    return BookingFactory(
        meeting=meeting,
        contact=ContactFactory(name="Zed Othername", email="zed@other-customer.example"),
    )


def rsvp_path(booking) -> str:
    return reverse("invitations:rsvp", args=[rsvp_token(booking)])


def version_from(response) -> str:
    return response.context["form"]["version"].value()


def test_rsvp_page_shows_meeting_and_chatham_rule_without_login(client, guest, other_guest):
    response = client.get(rsvp_path(guest) + "?answer=accept")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Spring leadership" in page
    assert "Chatham House Rule" in page
    assert "Ada Guest" in page
    assert "Zed Othername" not in page
    assert "other-customer" not in page
    guest.refresh_from_db()
    assert (
        guest.rsvp == Booking.Rsvp.PENDING
    )  # opening the link (or a mail scanner) changes nothing


def test_guest_accepts_with_needs_and_can_change_the_answer(client, guest):
    url = rsvp_path(guest)
    response = client.get(url)
    response = client.post(
        url,
        {
            "answer": "accepted",
            "chatham_acknowledged": "on",
            "needs": "Step-free access",
            "note": "Looking forward",
            "version": version_from(response),
        },
    )
    assert response.status_code == 200
    assert "your answer is saved" in response.content.decode()
    guest.refresh_from_db()
    assert (guest.rsvp, guest.needs, guest.rsvp_note) == (
        "accepted",
        "Step-free access",
        "Looking forward",
    )
    assert guest.chatham_acknowledged_at is not None
    response = client.post(url, {"answer": "declined", "version": version_from(response)})
    guest.refresh_from_db()
    assert guest.rsvp == Booking.Rsvp.DECLINED


def test_accepting_without_chatham_acknowledgement_keeps_what_was_typed(client, guest):
    url = rsvp_path(guest)
    version = version_from(client.get(url))
    response = client.post(url, {"answer": "accepted", "needs": "Vegetarian", "version": version})
    page = response.content.decode()
    assert "Please confirm you will respect the Chatham House Rule" in page
    assert "Vegetarian" in page
    guest.refresh_from_db()
    assert guest.rsvp == Booking.Rsvp.PENDING


def test_replayed_submission_changes_nothing_and_says_so(client, guest):
    url = rsvp_path(guest)
    version = version_from(client.get(url))
    form = {"answer": "declined", "version": version}
    client.post(url, form)
    client.post(url, {"answer": "accepted", "chatham_acknowledged": "on", "version": version})
    guest.refresh_from_db()
    assert guest.rsvp == Booking.Rsvp.DECLINED
    response = client.post(url, form)
    assert response.status_code == 200
    assert "already sent" in response.content.decode()


def test_tampered_link_gets_a_clear_page(client, guest):
    token = rsvp_token(guest)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    response = client.get(reverse("invitations:rsvp", args=[tampered]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    response = client.post(reverse("invitations:rsvp", args=["garbage"]), {"answer": "accepted"})
    assert response.status_code == 404


def test_another_guests_link_cannot_be_forged_from_mine(client, guest, other_guest):
    data = signing.loads(rsvp_token(guest), salt="invitations.rsvp")
    # Swap in the other guest's booking, keeping my signature.
    forged_payload = signing.dumps({**data, "b": other_guest.pk}, salt="invitations.rsvp")
    my_signature = rsvp_token(guest).rsplit(":", 1)[1]
    forged = forged_payload.rsplit(":", 1)[0] + ":" + my_signature
    response = client.get(reverse("invitations:rsvp", args=[forged]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Zed Othername" not in page
    assert "Ada Guest" not in page


def test_link_bound_to_another_meeting_or_removed_booking_is_refused(client, guest):
    token_for_other_meeting = signing.dumps(
        {"b": guest.pk, "m": MeetingFactory().pk, "c": guest.contact_id}, salt="invitations.rsvp"
    )
    assert (
        client.get(reverse("invitations:rsvp", args=[token_for_other_meeting])).status_code == 404
    )
    url = rsvp_path(guest)
    guest.delete()
    response = client.get(url)
    assert response.status_code == 404
    assert "withdrawn" in response.content.decode()


def test_link_expires_after_the_meeting(client, guest, frozen, meeting):
    url = rsvp_path(guest)
    frozen.move_to(meeting.starts_at + dt.timedelta(minutes=5))
    response = client.get(url)
    assert response.status_code == 200
    assert "can no longer be changed" in response.content.decode()
    response = client.post(url, {"answer": "declined", "version": "x"})
    guest.refresh_from_db()
    assert guest.rsvp == Booking.Rsvp.PENDING
    frozen.move_to(meeting.ends_at + dt.timedelta(minutes=1))
    response = client.get(url)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()


def test_cancelled_meeting_link_says_so(client, guest, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    response = client.get(rsvp_path(guest))
    assert response.status_code == 410
    assert "cancelled" in response.content.decode()


def test_rsvp_url_is_absolute_for_mail(guest, settings):
    settings.SITE_URL = "https://chair.example.org"
    assert rsvp_url(guest, "accept").startswith("https://chair.example.org/invitations/rsvp/")


def test_leader_sends_invitations_from_the_page(
    client, meeting, guest, django_capture_on_commit_callbacks
):
    client.force_login(meeting.owner)
    url = reverse("invitations:meeting", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Preview: Invitation: Spring leadership" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "send", "personal_message": "Do join us.", "reminder_days": "7, 1"},
            follow=True,
        )
    assert "1 invitation queued" in response.content.decode()
    mail = OutboxMail.objects.get(kind=OutboxMail.Kind.INVITATION)
    assert mail.status == OutboxMail.Status.SENT
    assert "Do join us." in mail.text_body


def test_an_invitation_without_agenda_or_objectives_is_not_sent(
    client, frozen, django_capture_on_commit_callbacks
):
    start = dt.datetime(2027, 3, 20, 10, 0, tzinfo=LONDON)
    meeting = MeetingFactory(starts_at=start, ends_at=start + dt.timedelta(hours=3), objectives="")
    BookingFactory(meeting=meeting)
    client.force_login(meeting.owner)
    url = reverse("invitations:meeting", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Before inviting, add the objectives and an agenda" in page
    assert "Send to 1 guest" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "send", "personal_message": "Do join us.", "reminder_days": "7, 1"},
            follow=True,
        )
    assert "Before inviting, add the objectives and an agenda." in response.content.decode()
    assert not OutboxMail.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.invitation.personal_message == "Do join us."  # what was typed is kept


def test_bad_reminder_days_get_a_message_and_lose_the_message(client, meeting, guest):
    client.force_login(meeting.owner)
    url = reverse("invitations:meeting", args=[meeting.pk])
    response = client.post(
        url, {"action": "send", "personal_message": "Keep me", "reminder_days": "7, soon"}
    )
    page = response.content.decode()
    assert "is not a number of days" in page
    assert "Keep me" in page
    assert not OutboxMail.objects.exists()


def test_leader_records_an_answer_given_by_phone(client, meeting, guest):
    client.force_login(meeting.owner)
    client.post(
        reverse("invitations:record_answer", args=[meeting.pk, guest.pk]),
        {"answer": "accepted", "note": "Phoned on Monday", "needs": ""},
    )
    guest.refresh_from_db()
    assert guest.rsvp == Booking.Rsvp.ACCEPTED
    assert guest.rsvp_recorded_by == meeting.owner


def test_other_leaders_and_executives_cannot_reach_the_invitation_page(client, meeting, guest):
    url = reverse("invitations:meeting", args=[meeting.pk])
    for user in (leader(), executive()):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert (
            client.post(
                reverse("invitations:cancel", args=[meeting.pk]), {"confirm": "on"}
            ).status_code
            == 404
        )
    meeting.refresh_from_db()
    assert meeting.status != Meeting.Status.CANCELLED


def test_meeting_panel_offers_to_send_invitation(meeting, guest):
    from invitations.meeting_panels import meeting_panels

    panels = meeting_panels(meeting=meeting, user=meeting.owner)
    assert panels[0]["template"] == "invitations/_meeting_panel.html"
    assert [b.pk for b in panels[0]["not_invited"]] == [guest.pk]
    assert meeting_panels(meeting=meeting, user=executive()) == []
    invitation_send(meeting=meeting, user=meeting.owner)
    from django.template.loader import render_to_string

    panel = meeting_panels(meeting=meeting, user=meeting.owner)[0]
    for name in ("panel", "section"):  # however the meeting page names it
        html = render_to_string("invitations/_meeting_panel.html", {name: panel})
        assert "Invitations and answers" in html
        assert "1 not answered" in html


def test_invitation_page_queries_do_not_grow_with_guests(
    client, meeting, django_assert_max_num_queries
):
    from invitations.services import rsvp_answer

    guests = [BookingFactory(meeting=meeting) for _ in range(12)]
    invitation_send(meeting=meeting, user=meeting.owner)
    for booking in guests:
        rsvp_answer(booking=booking, answer="declined", recorded_by=meeting.owner)
    client.force_login(meeting.owner)
    # 18 with one guest or with twelve (measured); the margin is for session/auth.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("invitations:meeting", args=[meeting.pk]))
    assert response.status_code == 200


def test_leader_home_lists_upcoming_meetings_with_answers(client, meeting, guest):
    from invitations.services import rsvp_answer

    rsvp_answer(booking=guest, answer="accepted", chatham_acknowledged=True)
    client.force_login(meeting.owner)
    page = client.get(reverse("home"), follow=True).content.decode()
    card = page[page.index('id="home-meetings-heading"') :]
    card = card[: card.index("</section>")]
    assert card.count(meeting.title) == 1  # one list of the leader's meetings, not two
    assert reverse("meetings:detail", args=[meeting.pk]) in card
    assert reverse("invitations:meeting", args=[meeting.pk]) in card
    assert "1 guest, 1 accepted, 0 not answered" in card
    assert "upcoming-invitations-heading" not in page


def test_rsvp_link_is_rate_limited_per_address(client, guest, settings):
    import uuid

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "rsvp": {"rate": "2/h", "key": "ip"}}
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    url = rsvp_path(guest)
    assert client.get(url, REMOTE_ADDR=address).status_code == 200
    assert client.get(url, REMOTE_ADDR=address).status_code == 200
    assert client.get(url, REMOTE_ADDR=address).status_code == 429

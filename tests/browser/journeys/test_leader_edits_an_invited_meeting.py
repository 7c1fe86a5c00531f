"""Journey: a leader moves an invited meeting. Before anything is saved the page says
which guests will be told and why; two saves a minute apart reach each guest as one
update."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail as django_mail
from playwright.sync_api import expect

from invitations import services as invitations
from meetings.models import Booking
from outbox.models import OutboxMail
from outbox.services import outbox_dispatch_due
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.factories import BookingFactory, ContactFactory, MeetingFactory, leader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)
START = dt.datetime(2027, 3, 20, 10, 0, tzinfo=LONDON)


@pytest.fixture
def clock():
    # Ticking: the browser's waits need time to pass; the test moves it on by minutes.
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def invited(clock):
    lena = leader(username="lena", first_name="Lena", last_name="Laurent")
    meeting = MeetingFactory(
        agenda=True,
        owner=lena,
        title="UK leadership — March",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        place="Head office, London",
    )
    guests = {
        name: BookingFactory(meeting=meeting, contact=ContactFactory(name=name))
        for name in ("Priya Shah", "Tom Evans", "Ola Nowak")
    }
    invitations.invitation_send(meeting=meeting, user=lena)
    invitations.rsvp_answer(booking=guests["Ola Nowak"], answer=Booking.Rsvp.DECLINED)
    django_mail.outbox.clear()
    return meeting


def test_leader_confirms_who_is_told_and_two_saves_make_one_update(
    page, browser, live_server, invited, clock, steps
):
    meeting = invited
    log_in(page, "lena")
    page.goto(f"/meetings/{meeting.pk}/edit/")
    page.get_by_label("Starts").fill("2027-03-27T10:00")
    page.get_by_label("Ends").fill("2027-03-27T13:00")
    page.get_by_role("button", name="Save").click()

    notice = page.get_by_role("region", name="Guests will get an update")
    expect(notice).to_contain_text("The date and time changed")
    expect(notice.get_by_role("listitem")).to_have_text(["Priya Shah", "Tom Evans"])
    expect(notice).not_to_contain_text("Ola Nowak")  # she declined: not told
    accessible(page)
    steps.shot(page, "01 the page asks before telling the guests", full_page=True)
    assert not OutboxMail.objects.filter(kind=OutboxMail.Kind.UPDATE).exists()

    notice.get_by_role("button", name="Save and tell the guests").click()
    expect(page.get_by_text("2 guests will get one update", exact=False)).to_be_visible()
    panel = page.get_by_role("region", name="Invitations and mail")
    expect(panel).to_contain_text("An update to 2 guests goes out at 09:05 (Europe/London)")
    steps.shot(page, "02 saved, the update waits a few minutes")

    # A minute later she also changes the room: the waiting update takes it along.
    clock.shift(dt.timedelta(minutes=1))
    page.goto(f"/meetings/{meeting.pk}/edit/")
    page.get_by_label("Place").fill("Board room, Leeds office")
    page.get_by_role("button", name="Save").click()
    notice = page.get_by_role("region", name="Guests will get an update")
    expect(notice).to_contain_text("already waiting")
    notice.get_by_role("button", name="Save and tell the guests").click()
    expect(page.get_by_text("The meeting is saved", exact=False)).to_be_visible()

    # Changing only the objectives asks nothing and mails nobody.
    page.goto(f"/meetings/{meeting.pk}/edit/")
    page.get_by_label("Objectives").fill("Hear what slows our customers down.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The meeting is saved.", exact=True)).to_be_visible()

    clock.shift(dt.timedelta(minutes=5))
    outbox_dispatch_due()
    updates = [m for m in django_mail.outbox if m.subject.startswith("Updated:")]
    assert sorted(m.to[0] for m in updates) == sorted(
        b.contact.email for b in meeting.bookings.exclude(rsvp=Booking.Rsvp.DECLINED)
    )
    assert all("Leeds" in m.body and "27 March 2027" in m.body for m in updates)

    # At 375 px the confirmation fits the phone.
    context, phone = new_person(browser, live_server, phone=True)
    log_in(phone, "lena")
    phone.goto(f"/meetings/{meeting.pk}/edit/")
    phone.get_by_label("Place").fill("Board room 2, Leeds office")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_role("region", name="Guests will get an update")).to_be_visible()
    fits_375(phone)
    steps.shot(phone, "03 the question on a phone", full_page=True)
    context.close()

"""Front-line staff invited like guests (issue #22): by name and email, no account.

They get the guests' invitation, signed RSVP link and reminders through the outbox,
their details follow the guests' rules, and they count as our staff: never as a customer
organisation (dashboard suppression, panel checks, the rhythm's "customer guest").
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from anonymity.policy import guest_organisations_by_meeting
from customers.models import Contact
from customers.rules import contacts_in_scope
from dashboard.aggregates import meeting_organisations
from invitations.services import invitation_send
from invitations.tokens import rsvp_token
from meetings import selectors, services
from meetings.models import Booking, Meeting
from outbox.models import OutboxMail
from outbox.services import outbox_dispatch_due
from tests.factories import (
    BookingFactory,
    ContactFactory,
    FacetFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    executive,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)
START = dt.datetime(2027, 3, 20, 10, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def meeting(frozen):
    return MeetingFactory(
        agenda=True, starts_at=START, ends_at=START + dt.timedelta(hours=3), title="North, March"
    )


def invite(meeting, name="Sam Counter", email="sam.counter@ours.example") -> Booking:
    return services.front_line_staff_invite(
        meeting=meeting, name=name, email=email, by=meeting.owner
    )


# -- the model and the service -----------------------------------------------------------


def test_staff_member_is_booked_by_name_and_email_with_no_organisation(meeting):
    booking = invite(meeting, name="  Sam   Counter ")
    contact = booking.contact
    assert (contact.name, contact.email, contact.organisation) == (
        "Sam Counter",
        "sam.counter@ours.example",
        None,
    )
    assert contact.is_front_line_staff
    assert contact.affiliation == "Our front-line staff"
    assert booking.rsvp == Booking.Rsvp.PENDING


def test_the_same_email_in_another_meeting_is_the_same_person(meeting):
    other = MeetingFactory(starts_at=START + dt.timedelta(days=30))
    first = invite(meeting)
    second = invite(other, name="Sam C.", email="SAM.COUNTER@ours.example")
    assert first.contact_id == second.contact_id
    assert Contact.objects.filter(organisation__isnull=True).count() == 1


def test_inviting_the_same_person_twice_is_refused_with_a_message(meeting):
    invite(meeting)
    with pytest.raises(ValidationError, match="already invited"):
        invite(meeting)
    assert meeting.bookings.count() == 1


def test_a_customer_contacts_email_is_refused_and_no_staff_member_is_made(meeting):
    ContactFactory(email="ada@customer.example")
    with pytest.raises(ValidationError, match="customer contact"):
        invite(meeting, email="Ada@Customer.example")
    assert not Contact.objects.filter(organisation__isnull=True).exists()
    assert not meeting.bookings.exists()


@pytest.mark.parametrize(
    ("name", "email", "field"),
    [("", "sam@ours.example", "name"), ("Sam", "", "email"), ("Sam", "not-an-email", "email")],
)
def test_a_name_and_a_valid_email_are_needed(meeting, name, email, field):
    with pytest.raises(ValidationError) as caught:
        invite(meeting, name=name, email=email)
    assert field in caught.value.message_dict
    assert not Contact.objects.filter(organisation__isnull=True).exists()


def test_a_held_meeting_takes_no_new_staff(meeting):
    meeting.status = Meeting.Status.HELD
    meeting.save()
    with pytest.raises(ValidationError, match="cannot be added"):
        invite(meeting)
    assert not Contact.objects.filter(organisation__isnull=True).exists()


# -- mail and RSVP ---------------------------------------------------------------------------


def test_staff_get_the_invitation_with_ics_and_rsvp_link_exactly_once(
    meeting, django_capture_on_commit_callbacks
):
    BookingFactory(meeting=meeting, contact=ContactFactory(name="Ada Guest"))
    staff = invite(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_send(meeting=meeting, user=meeting.owner) == 2
    with django_capture_on_commit_callbacks(execute=True):
        # Sending again (after booking someone else) never invites them twice.
        assert invitation_send(meeting=meeting, user=meeting.owner) == 0
        outbox_dispatch_due()
    to_staff = [m for m in django_mail.outbox if m.to == ["sam.counter@ours.example"]]
    assert len(to_staff) == 1
    message = to_staff[0]
    assert message.subject == "Invitation: North, March"
    assert "Dear Sam Counter" in message.body
    assert "to speak for the front line" in message.body
    assert reverse("invitations:rsvp", args=[rsvp_token(staff)]) in message.body
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype.split(";")[0]) == ("invite.ics", "text/calendar")
    assert "mailto:sam.counter@ours.example" in content.replace("\r\n ", "")
    # The customer guest's invitation keeps its own wording.
    to_guest = next(m for m in django_mail.outbox if m.to != ["sam.counter@ours.example"])
    assert "as our guest" in to_guest.body
    assert "front line" not in to_guest.body


def test_staff_get_the_reminders_like_guests(meeting):
    invite(meeting)
    invitation_send(meeting=meeting, user=meeting.owner)
    kinds = set(
        OutboxMail.objects.filter(recipient="sam.counter@ours.example").values_list(
            "kind", flat=True
        )
    )
    assert {OutboxMail.Kind.INVITATION, OutboxMail.Kind.REMINDER} <= kinds


def test_staff_accept_from_their_link_without_logging_in(client, meeting):
    staff = invite(meeting)
    url = reverse("invitations:rsvp", args=[rsvp_token(staff)])
    response = client.get(url)
    assert response.status_code == 200
    assert "Sam Counter" in response.content.decode()
    version = response.context["form"]["version"].value()
    response = client.post(
        url, {"answer": "accepted", "chatham_acknowledged": "on", "version": version}
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.rsvp == Booking.Rsvp.ACCEPTED


# -- counted as staff, never as a customer organisation ------------------------------------


def test_staff_never_count_as_an_organisation_behind_the_dashboard(meeting):
    guest = BookingFactory(meeting=meeting, rsvp=Booking.Rsvp.ACCEPTED)
    staff = invite(meeting)
    staff.rsvp = Booking.Rsvp.ACCEPTED
    staff.attended = True
    staff.save()
    expected = frozenset({guest.contact.organisation_id})
    assert guest_organisations_by_meeting([meeting.pk])[meeting.pk] == expected
    assert meeting_organisations()[meeting.pk] == expected


def test_panel_checks_count_customers_only(meeting):
    meeting.type = Meeting.Type.PANEL
    meeting.save()
    facet = FacetFactory(name="Retail")
    customers = [
        ContactFactory(organisation=OrganisationFactory(region=meeting.region, facets=[facet]))
        for _ in range(2)
    ]
    staff = [invite(meeting, email=f"s{n}@ours.example").contact for n in range(2)]
    warnings = {
        w.code: w.message
        for w in services.booking_warnings(meeting=meeting, contacts=customers + staff)
    }
    assert "this one has 2." in warnings["panel_size"]
    assert "same_organisation" not in warnings
    assert "one facet of the business (Retail)" in warnings["one_facet"]
    # Staff alone are no customer at all: a panel of none, and no facet to speak of.
    alone = services.booking_warnings(meeting=meeting, contacts=staff)
    assert [(w.code, w.message.endswith("this one has 0.")) for w in alone] == [
        ("panel_size", True)
    ]


def test_a_month_with_only_staff_booked_has_no_customer_guest_on_the_rhythm(meeting):
    invite(meeting)
    months = selectors.rhythm_months(start=dt.date(2027, 3, 1), count=1)
    (row,) = [r for r in selectors.rhythm(months=months, user=meeting.owner) if r.country == "GB"]
    assert row.cells[0].meetings == [meeting]
    assert not row.cells[0].has_customer_guest
    BookingFactory(meeting=meeting)
    (row,) = [r for r in selectors.rhythm(months=months, user=meeting.owner) if r.country == "GB"]
    assert row.cells[0].has_customer_guest


# -- contact details: the guests' rules --------------------------------------------------------


def test_staff_details_follow_the_guests_rules(meeting):
    staff = invite(meeting).contact
    region_leader, stranger_leader = leader(), leader()
    meeting.region.leaders.add(region_leader)
    RegionFactory().leaders.add(stranger_leader)
    own_facilitator, other_facilitator = facilitator(), facilitator()
    meeting.facilitators.add(own_facilitator)
    allowed = [meeting.owner, region_leader, own_facilitator]
    refused = [stranger_leader, other_facilitator, executive()]
    for user in allowed:
        assert user.has_perm("customers.view_contact", staff), user
        assert staff in contacts_in_scope(Contact.objects.all(), user)
    for user in refused:
        assert not user.has_perm("customers.view_contact", staff), user
        assert staff not in contacts_in_scope(Contact.objects.all(), user)


def test_meeting_page_hides_staff_names_from_whoever_may_not_see_guests(client, meeting):
    invite(meeting)
    client.force_login(meeting.owner)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Sam Counter" in page
    assert "Our front-line staff" in page
    region_leader, stranger_leader = leader(), leader()
    meeting.region.leaders.add(region_leader)
    client.force_login(region_leader)  # answers for the meeting's region
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Sam Counter" in page
    client.force_login(stranger_leader)  # may open the meeting, not read its guests
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Sam Counter" not in page
    client.force_login(executive())
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Sam Counter" not in page


def test_customer_contact_pages_do_not_open_for_staff(client, meeting):
    staff = invite(meeting).contact
    client.force_login(meeting.owner)
    for name in ("customers:contact_edit", "customers:contact_erase"):
        assert client.get(reverse(name, args=[staff.pk])).status_code == 404
    assert client.get(reverse("meetings:book_contact") + f"?contact={staff.pk}").status_code == 404


# -- the page --------------------------------------------------------------------------------


def test_leader_books_staff_from_the_guests_page(client, meeting):
    client.force_login(meeting.owner)
    url = reverse("meetings:guests_staff", args=[meeting.pk])
    response = client.post(url, {"name": "Sam Counter", "email": "sam.counter@ours.example"})
    assert response.status_code == 302
    booking = meeting.bookings.get()
    assert booking.contact.is_front_line_staff
    page = client.get(reverse("meetings:guests", args=[meeting.pk])).content.decode()
    assert "Sam Counter" in page
    assert "Our front-line staff" in page


def test_bad_input_gets_a_message_and_keeps_what_was_typed(client, meeting):
    client.force_login(meeting.owner)
    url = reverse("meetings:guests_staff", args=[meeting.pk])
    response = client.post(url, {"name": "Sam Counter", "email": "sam@"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an email address such as name@example.com." in page
    assert 'value="Sam Counter"' in page
    ContactFactory(email="ada@customer.example")
    response = client.post(url, {"name": "Ada", "email": "ada@customer.example"})
    assert response.status_code == 400
    assert "belongs to a customer contact" in response.content.decode()
    assert not meeting.bookings.exists()


def test_only_those_who_book_guests_may_book_staff(client, meeting):
    url = reverse("meetings:guests_staff", args=[meeting.pk])
    client.force_login(leader())  # not this meeting's
    assert client.post(url, {"name": "Sam", "email": "sam@ours.example"}).status_code in (
        403,
        404,
    )
    assert not meeting.bookings.exists()

"""The register-wide redactor: everyone the product knows is removed, not only the meeting's.

The first tests reproduce what was reported (issue #18): a register contact not booked
into the meeting, "Mr" + another contact's surname, and a disguised email address were
stored as typed.
"""

import pytest
from django.urls import reverse

from customers.models import Contact, Organisation
from feedback.models import FeedbackItem
from feedback.redaction import EMAIL, ORGANISATION, PERSON, meeting_redactor, register_redactor
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    RegionFactory,
    UserFactory,
    executive,
)

CLIENT = {"HTTP_X_CAPTURE_CLIENT": "1"}


def _capture(client, running, text: str, **extra):
    url = reverse("feedback:capture_post", args=[running.meeting.pk])
    response = client.post(url, running.post_data(text, **extra), **CLIENT)
    assert response.status_code == 201, response.content
    return FeedbackItem.objects.order_by("-number").first().text


@pytest.fixture
def elsewhere(db):
    """A contact of another region, never booked anywhere, and their organisation."""
    region = RegionFactory(name="Nordics", countries=["SE", "NO"])
    organisation = OrganisationFactory(name="Fjordline Freight AB", region=region, country="SE")
    return ContactFactory(organisation=organisation, name="Ottilie Birchwood")


@pytest.fixture
def capturing(client, running):
    """A facilitator with the capture page open and one item saved: every cache is warm,
    so the next items take the one-statement path."""
    client.force_login(running.facilitator)
    client.get(reverse("feedback:capture", args=[running.meeting.pk]))
    _capture(client, running, "warm-up")
    return client


def test_a_register_contact_not_booked_into_the_meeting_is_not_stored(client, running, elsewhere):
    client.force_login(running.facilitator)
    text = _capture(client, running, "Ottilie Birchwood told us the same last year")
    assert text == f"{PERSON} told us the same last year"


def test_mr_and_another_contacts_surname_is_not_stored(capturing, running, elsewhere):
    text = _capture(capturing, running, "Mr Birchwood thinks so too; so does Dr. Okafor.")
    assert text == f"{PERSON} thinks so too; so does {PERSON}."


def test_a_disguised_email_leaves_no_fragment_of_the_name(capturing, running, elsewhere):
    text = _capture(
        capturing, running, "write to ottilie.birchwood [at] fjordline [dot] example please"
    )
    assert text == f"write to {EMAIL} please"
    for disguised in ("o.birchwood(at)fjordline.example", "ob {at} fjordline (dot) se"):
        assert _capture(capturing, running, f"or {disguised}") == f"or {EMAIL}"


def test_a_contact_added_anywhere_is_redacted_in_the_very_next_item(capturing, running):
    ContactFactory(
        organisation=OrganisationFactory(name="Umbra Analytics"), name="Saoirse Ní Bhriain"
    )
    text = _capture(capturing, running, "Saoirse Ní Bhriain of Umbra Analytics agreed")
    assert text == f"{PERSON} of {ORGANISATION} agreed"


def test_a_contact_renamed_in_bulk_is_redacted_in_the_very_next_item(capturing, running, elsewhere):
    """QuerySet.update sends no signal: the database's trigger still changes the register."""
    Contact.objects.filter(pk=elsewhere.pk).update(name="Leopold Quernmoor")
    assert _capture(capturing, running, "Leopold Quernmoor called") == f"{PERSON} called"


def test_an_organisation_renamed_in_bulk_is_redacted_in_the_very_next_item(
    capturing, running, elsewhere
):
    Organisation.objects.filter(pk=elsewhere.organisation_id).update(name="Vantablack Haulage")
    assert _capture(capturing, running, "Vantablack Haulage was late") == f"{ORGANISATION} was late"


def test_any_staff_user_is_redacted_even_if_not_in_the_meeting(capturing, running):
    executive(first_name="Bartholomew", last_name="Quayle")
    text = _capture(capturing, running, "Bartholomew Quayle promised it; Quayle's team too")
    assert text == f"{PERSON} promised it; {PERSON}'s team too"


def test_a_staff_user_renamed_is_redacted_in_the_very_next_item(capturing, running):
    someone = UserFactory(first_name="Ann", last_name="Other")
    someone.last_name = "Featherstonehaugh"
    someone.save()
    assert _capture(capturing, running, "Featherstonehaugh knows") == f"{PERSON} knows"


def test_accented_names_typed_with_or_without_accents(capturing, running):
    ContactFactory(name="Åsa Sjöström-Núñez")
    text = _capture(capturing, running, "Asa Sjostrom-Nunez and SJÖSTRÖM agreed with Núñez")
    assert text == f"{PERSON} and {PERSON} agreed with {PERSON}"


def test_outsiders_single_names_that_are_words_stay_ordinary(capturing, running):
    """Someone outside the meeting called "Hope Price": ordinary "hope" and "price" stay,
    and so does "Price" opening a sentence; written as a name, it goes."""
    ContactFactory(name="Hope Price")
    text = _capture(capturing, running, "Price is fine and we hope the price holds; ask Price")
    assert text == f"Price is fine and we hope the price holds; ask {PERSON}"


def test_an_erased_contact_name_is_not_in_the_register(running):
    from customers.services import ERASED_NAME, contact_erase

    contact = ContactFactory(name="Wilhelmina Strand")
    contact_erase(contact=contact)
    redactor = register_redactor()
    assert redactor.redact(ERASED_NAME) == ERASED_NAME


def test_the_meetings_own_people_are_still_found_in_lower_case(running):
    """The meeting's own participants keep the stricter treatment: any case."""
    assert meeting_redactor(running.meeting).redact("femi said so") == f"{PERSON} said so"
    assert register_redactor().redact("femi said so") == "femi said so"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr Birch and mr birch", f"{PERSON} and mr birch"),
        ("MR BIRCH agreed", f"{PERSON} agreed"),
        ("Mrs Anna Lee-Smith's team was there", f"{PERSON}'s team was there"),
        ("Dr. Okafor, Prof Ng and Sir Alan", f"{PERSON}, {PERSON} and {PERSON}"),
        ("We use MS Teams and the DR Site failed", "We use MS Teams and the DR Site failed"),
        ("We miss Jones; Miss the point", "We miss Jones; Miss the point"),
    ],
)
def test_a_title_and_the_name_after_it_go_whoever_it_is(text, expected):
    from feedback.redaction import Participants, Redactor

    assert Redactor(Participants()).redact(text) == expected

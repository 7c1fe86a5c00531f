import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from audit.models import AuditEntry
from customers.models import Contact, Organisation
from tests.customers.helpers import attended
from tests.factories import (
    ContactFactory,
    FacetFactory,
    OrganisationFactory,
    RegionFactory,
    UserFactory,
    administrator,
    executive,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def uk():
    return RegionFactory(name="UK & Ireland", countries=["GB", "IE"])


@pytest.fixture
def dach():
    return RegionFactory(name="DACH", countries=["DE", "AT", "CH"], time_zone="Europe/Berlin")


@pytest.fixture
def uk_leader(uk):
    user = leader(username="uk-leader")
    uk.leaders.add(user)
    return user


@pytest.fixture
def acme(uk):
    org = OrganisationFactory(name="Acme Foods", region=uk, facets=[FacetFactory(name="Retail")])
    ContactFactory(
        organisation=org, name="Ann Lee", email="ann@acme.example", phone="+44 20 7946 0000"
    )
    return org


def as_user(client, user):
    client.force_login(user)
    return client


# Reading ---------------------------------------------------------------------------------


def test_every_role_reads_the_list(client, acme):
    for user in (leader(), facilitator(), executive(), administrator()):
        response = as_user(client, user).get(reverse("customers:list"))
        assert response.status_code == 200
        assert "Acme Foods" in response.text


def test_list_needs_a_login_and_a_role(client, acme):
    assert client.get(reverse("customers:list")).status_code == 302
    response = as_user(client, UserFactory(username="x")).get(reverse("customers:list"))
    assert response.status_code == 403


def test_list_filters_from_the_query_string(client, uk, acme):
    OrganisationFactory(name="Beta Strategic", region=uk, tier="strategic")
    response = as_user(client, facilitator()).get(reverse("customers:list"), {"tier": "strategic"})
    assert "Beta Strategic" in response.text
    assert "Acme Foods" not in response.text


def test_list_never_invited_badge_and_filter(client, uk, acme):
    met = ContactFactory(organisation__name="Met Ltd", organisation__region=uk)
    attended(met, days=20)
    response = as_user(client, facilitator()).get(
        reverse("customers:list"), {"never_invited": "on"}
    )
    assert "Acme Foods" in response.text
    assert "Met Ltd" not in response.text


def test_htmx_request_gets_only_the_results(client, acme):
    response = as_user(client, facilitator()).get(reverse("customers:list"), HTTP_HX_REQUEST="true")
    assert 'id="results"' in response.text
    assert "<html" not in response.text


def test_bad_filter_values_are_ignored_not_a_500(client, acme):
    response = as_user(client, facilitator()).get(
        reverse("customers:list"), {"region": "abc", "not_met": "x", "page": "999", "sort": "drop"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 40])
def test_list_query_count_does_not_grow_with_organisations(
    client, django_assert_max_num_queries, uk, count
):
    facets = [FacetFactory(name="Retail"), FacetFactory(name="Energy")]
    for i in range(count):
        contact = ContactFactory(
            organisation__name=f"Org {i:03}", organisation__region=uk, organisation__facets=facets
        )
        attended(contact, days=10 + i)
    user = facilitator()
    client.force_login(user)
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("customers:list"), {"facet": facets[0].pk, "sort": "last_met"}
        )
    assert response.status_code == 200


def test_organisation_page_shows_guests_to_the_facilitators_of_their_meetings(client, acme):
    booking = attended(acme.contacts.get(), days=30)
    ours = facilitator()
    booking.meeting.facilitators.add(ours)
    response = as_user(client, ours).get(reverse("customers:organisation", args=[acme.pk]))
    assert "ann@acme.example" in response.text
    assert "+44 20 7946 0000" in response.text
    assert "Attended" in response.text
    # Another facilitator sees that there is a contact and that one attended, not who.
    response = as_user(client, facilitator()).get(reverse("customers:organisation", args=[acme.pk]))
    assert "ann@acme.example" not in response.text
    assert "Ann Lee" not in response.text
    assert "7946" not in response.text
    assert "1 contact:" in response.text


def test_leaders_see_contacts_of_regions_they_lead_and_of_meetings_they_own(
    client, uk_leader, acme
):
    url = reverse("customers:organisation", args=[acme.pk])
    assert "ann@acme.example" in as_user(client, uk_leader).get(url).text
    other = leader()
    client = as_user(client, other)
    for page in (
        url,
        reverse("customers:invite_next") + "?regions=all",
        reverse("customers:export"),
    ):
        assert "ann@acme.example" not in client.get(page).content.decode(), page
    assert "Acme Foods" not in client.get(reverse("customers:list"), {"q": "ann@acme"}).text
    booking = attended(acme.contacts.get(), days=30)
    booking.meeting.co_owners.add(other)
    assert "ann@acme.example" in client.get(url).text
    assert "ann@acme.example" in client.get(reverse("customers:export")).content.decode()


def test_executives_never_see_contact_details(client, acme):
    attended(acme.contacts.get(), days=30)
    client = as_user(client, executive())
    for url in (
        reverse("customers:organisation", args=[acme.pk]),
        reverse("customers:invite_next"),
        reverse("customers:export"),
        reverse("customers:list") + "?q=ann",
    ):
        body = client.get(url).content.decode()
        assert "ann@acme.example" not in body, url
        assert "Ann Lee" not in body, url
        assert "7946" not in body, url


def test_unknown_organisation_is_a_404(client):
    assert (
        as_user(client, facilitator())
        .get(reverse("customers:organisation", args=[999]))
        .status_code
        == 404
    )


# Writing ---------------------------------------------------------------------------------


def test_facilitators_and_executives_cannot_create_or_edit(client, acme):
    for user in (facilitator(), executive()):
        client = as_user(client, user)
        assert client.get(reverse("customers:organisation_create")).status_code == 403
        assert (
            client.post(reverse("customers:organisation_edit", args=[acme.pk]), {}).status_code
            == 403
        )
        assert client.get(reverse("customers:contact_create", args=[acme.pk])).status_code == 403
        assert client.get(reverse("customers:import")).status_code == 403


def org_data(region, **overrides):
    data = {"name": "New Co", "tier": "key", "region": region.pk, "country": "GB", "notes": ""}
    data.update(overrides)
    return data


def test_leader_creates_an_organisation_in_a_region_they_lead(client, uk, uk_leader):
    response = as_user(client, uk_leader).post(
        reverse("customers:organisation_create"), org_data(uk)
    )
    org = Organisation.objects.get(name="New Co")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:organisation", args=[org.pk])


def test_leader_cannot_create_in_or_edit_a_region_they_do_not_lead(client, dach, uk_leader):
    client = as_user(client, uk_leader)
    response = client.post(reverse("customers:organisation_create"), org_data(dach, country="DE"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    german = OrganisationFactory(region=dach, country="DE")
    assert client.get(reverse("customers:organisation_edit", args=[german.pk])).status_code == 403
    assert client.get(reverse("customers:contact_create", args=[german.pk])).status_code == 403


def test_leader_of_no_region_cannot_add_or_import_organisations(client):
    client = as_user(client, leader())
    assert client.get(reverse("customers:organisation_create")).status_code == 403
    assert client.get(reverse("customers:import")).status_code == 403


def test_administrator_edits_any_region(client, dach):
    german = OrganisationFactory(name="Berlin AG", region=dach, country="DE")
    response = as_user(client, administrator()).post(
        reverse("customers:organisation_edit", args=[german.pk]),
        org_data(dach, name="Berlin AG", country="AT", tier="strategic"),
    )
    assert response.status_code == 302
    german.refresh_from_db()
    assert (german.tier, str(german.country)) == ("strategic", "AT")


def test_duplicate_name_and_wrong_country_are_explained(client, uk, uk_leader, acme):
    response = as_user(client, uk_leader).post(
        reverse("customers:organisation_create"), org_data(uk, name="ACME foods", country="DE")
    )
    assert response.status_code == 200
    assert "An organisation called “Acme Foods” already exists." in response.text
    assert "Germany is not in the region UK &amp; Ireland" in response.text
    assert Organisation.objects.count() == 1


def test_contact_form_validates_email_and_phone(client, uk, uk_leader, acme):
    response = as_user(client, uk_leader).post(
        reverse("customers:contact_create", args=[acme.pk]),
        {"name": "", "email": "ANN@acme.example", "phone": "call me", "language": "en"},
    )
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "This email already belongs to a contact at Acme Foods." in response.text
    assert "is not a phone number" in response.text
    assert Contact.objects.count() == 1


def test_contact_is_created_with_a_normalised_phone_and_opt_out(client, uk, uk_leader, acme):
    response = as_user(client, uk_leader).post(
        reverse("customers:contact_create", args=[acme.pk]),
        {
            "name": "Bob Ray",
            "email": "bob@acme.example",
            "phone": "020 7946 0001",
            "language": "en",
            "opted_out": "on",
        },
    )
    assert response.status_code == 302
    bob = Contact.objects.get(email="bob@acme.example")
    assert bob.phone == "+44 20 7946 0001"
    assert bob.has_opted_out


def test_erase_needs_confirmation_then_anonymises(client, uk_leader, acme):
    contact = acme.contacts.get()
    client = as_user(client, uk_leader)
    url = reverse("customers:contact_erase", args=[contact.pk])
    assert "Tick the box to confirm" in client.post(url, {}).text
    assert client.post(url, {"confirm": "on"}).status_code == 302
    contact.refresh_from_db()
    assert contact.is_erased
    assert contact.email == ""


# Invite next -----------------------------------------------------------------------------


def test_invite_next_offers_booking_only_to_those_who_may_book(client, uk, uk_leader, acme):
    body = as_user(client, uk_leader).get(reverse("customers:invite_next")).text
    assert "Acme Foods" in body
    assert "Never invited" in body
    body = as_user(client, facilitator()).get(reverse("customers:invite_next")).text
    assert "Book into a meeting" not in body
    assert "Acme Foods" in body
    assert "Ann Lee" not in body  # not a guest of a meeting they facilitate


# Import and export ----------------------------------------------------------------------

CSV = (
    b"organisation,tier,region,country,facets,contact name,email\n"
    b"Acme Foods,key,UK & Ireland,GB,Retail,Ann Lee,ann@acme.example\n"
    b"Zed Ltd,strategic,UK & Ireland,IE,,Zoe Zed,zoe@zed.example\n"
)


def upload(client, content: bytes, name="customers.csv"):
    return client.post(
        reverse("customers:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_import_upload_preview_confirm_and_again(client, uk_leader, acme):
    client = as_user(client, uk_leader)
    response = upload(client, CSV)
    assert response.status_code == 302
    preview = " ".join(strip_tags(client.get(response["Location"]).text).split())
    assert "1 new organisation" in preview
    assert "1 new contact" in preview
    assert not Organisation.objects.filter(name="Zed Ltd").exists()
    confirm = reverse("customers:import_confirm", args=[response["Location"].split("/")[-2]])
    assert client.post(confirm).status_code == 302
    assert Contact.objects.get(email="zoe@zed.example").organisation.name == "Zed Ltd"
    # The audit log's "Import" filter finds it: who, which file, counts (no rows).
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.actor == uk_leader
    assert entry.target_repr == "customers from customers.csv"
    assert entry.details["organisations_new"] == 1
    assert entry.details["contacts_new"] == 1
    assert "zoe@zed.example" not in str(entry.details)
    # Confirming twice does nothing more; uploading the same file again plans no change.
    assert client.post(confirm).status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).count() == 1
    again = client.get(upload(client, CSV)["Location"])
    assert "importing it would change nothing" in again.text


def test_a_20_mb_upload_gets_a_clear_message(client, uk_leader):
    # Refused before anything reads it (the request body limit), with a page saying so.
    big = b"organisation\n" + b"x" * (20 * 1024 * 1024)
    response = upload(as_user(client, uk_leader), big)
    assert response.status_code == 413
    assert "split it into smaller files" in response.text
    assert not Organisation.objects.exclude(name="Acme Foods").exists()


def test_an_upload_far_over_the_import_limit_is_refused_before_reading(client, uk_leader, settings):
    settings.MAX_IMPORT_BYTES = 100_000
    response = upload(as_user(client, uk_leader), CSV + b"#" * 400_000)
    assert response.status_code == 413
    assert "the largest file accepted is 97.7\xa0KB" in response.text
    assert "Upload and preview" in response.text


def test_a_file_just_over_the_limit_is_refused_by_the_form(client, uk_leader, settings):
    settings.MAX_IMPORT_BYTES = 1000
    response = upload(as_user(client, uk_leader), CSV + b"#" * 1000)
    assert response.status_code == 200
    assert "the largest file accepted is 1000\xa0bytes" in response.text


def test_preview_errors_are_shown_row_by_row(client, uk_leader):
    client = as_user(client, uk_leader)
    bad = b"organisation,region,country,contact name,email\nX Ltd,UK & Ireland,GB,Al,not-mail\n=cmd,UK & Ireland,GB,,\n"
    preview = client.get(upload(client, bad)["Location"])
    assert "2 rows have errors" in preview.text
    assert "“not-mail” is not a valid email address." in preview.text
    assert "spreadsheets run as a formula" in preview.text
    assert "Import 2 rows" not in preview.text


def test_someone_elses_upload_is_not_found(client, uk_leader, uk):
    response = upload(as_user(client, uk_leader), CSV)
    other = leader(username="other")
    uk.leaders.add(other)
    assert as_user(client, other).get(response["Location"]).status_code == 404


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_export_follows_the_filters_and_neutralises_formulas(client, uk, uk_leader, acme):
    OrganisationFactory(name='=HYPERLINK("http://evil")', region=uk, tier="other", notes="@SUM(A1)")
    client = as_user(client, uk_leader)
    rows = read_csv(client.get(reverse("customers:export"), {"tier": "other"}))
    assert rows[0][:3] == ["organisation", "tier", "region"]
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][5] == "'@SUM(A1)"
    rows = read_csv(client.get(reverse("customers:export"), {"tier": "key"}))
    assert rows[1][6:8] == ["Ann Lee", "ann@acme.example"]


def test_export_guards_every_cell_after_leading_whitespace_and_ends_lines_with_crlf(
    client, uk, uk_leader, acme
):
    OrganisationFactory(name=" =1+2", region=uk, tier="other", notes="\t@SUM(A1)")
    client = as_user(client, uk_leader)
    response = client.get(reverse("customers:export"), {"tier": "other"})
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    assert raw.count("\r\n") == 2
    rows = read_csv(response)
    assert rows[1][0] == "' =1+2"
    assert rows[1][5] == "'\t@SUM(A1)"


def test_exported_file_imports_back_with_no_change(client, uk_leader, acme):
    client = as_user(client, uk_leader)
    exported = client.get(reverse("customers:export")).content
    preview = client.get(upload(client, exported)["Location"])
    assert "importing it would change nothing" in preview.text


@pytest.mark.parametrize("count", [3, 30])
def test_invite_next_and_export_query_counts_do_not_grow(
    client, django_assert_max_num_queries, uk, uk_leader, count
):
    facet = FacetFactory(name="Retail")
    for i in range(count):
        contact = ContactFactory(
            organisation__name=f"Org {i:03}", organisation__region=uk, organisation__facets=[facet]
        )
        ContactFactory(organisation=contact.organisation)
        attended(contact, days=10 + i)
    client.force_login(uk_leader)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("customers:invite_next")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("customers:export")).status_code == 200

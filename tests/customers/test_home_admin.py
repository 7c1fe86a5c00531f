import pytest
from django.urls import reverse

from customers.models import Contact
from tests.customers.helpers import attended
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    RegionFactory,
    administrator,
    executive,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db


def test_leader_home_lists_key_customers_not_met_in_their_regions(client):
    mine, other = RegionFactory(name="Mine"), RegionFactory(name="Other")
    user = leader()
    mine.leaders.add(user)
    OrganisationFactory(name="Never Met Key", region=mine)
    met = ContactFactory(organisation__name="Met Lately", organisation__region=mine)
    attended(met, days=10)
    OrganisationFactory(name="Someone Else's", region=other)
    client.force_login(user)
    body = client.get(reverse("home_leader")).text
    assert "Key customers not met for 6+ months" in body
    assert "Never Met Key" in body
    assert "Met Lately" not in body
    assert "Someone Else" not in body


def test_facilitator_and_executive_homes_have_no_customer_card(client):
    OrganisationFactory(name="Never Met Key")
    for user, url in ((facilitator(), "home_facilitator"), (executive(), "home_executive")):
        client.force_login(user)
        assert "Never Met Key" not in client.get(reverse(url)).text


def test_admin_pages_for_customers_load(client):
    contact = ContactFactory()
    client.force_login(administrator(is_staff=True))
    for name in ("facet", "region", "organisation", "contact"):
        assert client.get(reverse(f"admin:customers_{name}_changelist")).status_code == 200
    assert (
        client.get(
            reverse("admin:customers_organisation_change", args=[contact.organisation_id])
        ).status_code
        == 200
    )
    response = client.post(
        reverse("admin:customers_contact_changelist"),
        {"action": "erase_selected", "_selected_action": [contact.pk]},
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).is_erased


def test_invite_next_links_each_contact_to_booking_in_the_leaders_regions_only(client):
    region = RegionFactory(name="North")
    user = leader()
    region.leaders.add(user)
    contact = ContactFactory(organisation__region=region, name="Ann Lee")
    client.force_login(user)
    body = client.get(reverse("customers:invite_next")).text
    book = reverse("meetings:book_contact")
    assert f'href="{book}?contact={contact.pk}"' in body
    assert 'Book into a meeting<span class="visually-hidden">: Ann Lee</span>' in body
    # A leader of another region sees the customer, but neither its contacts nor a link.
    stranger = leader()
    RegionFactory(name="South").leaders.add(stranger)
    client.force_login(stranger)
    body = client.get(reverse("customers:invite_next") + "?regions=all").text
    assert contact.organisation.name in body
    assert "Ann Lee" not in body
    assert book not in body


def test_invite_next_links_to_the_real_booking_page(client):
    region = RegionFactory(name="North")
    user = leader()
    region.leaders.add(user)
    contact = ContactFactory(organisation__region=region, name="Ann Lee")
    client.force_login(user)
    body = client.get(reverse("customers:invite_next")).text
    link = f"{reverse('meetings:book_contact')}?contact={contact.pk}"
    assert f'href="{link}"' in body
    page = client.get(link)
    assert page.status_code == 200
    assert "Ann Lee" in page.text

import pytest

from customers.models import Organisation
from customers.selectors import (
    CustomerFilters,
    facet_coverage,
    invite_next,
    key_customers_not_met,
    months_ago,
    organisation_list,
    organisation_meeting_history,
)
from tests.customers.helpers import attended, days_ago
from tests.factories import (
    BookingFactory,
    ContactFactory,
    FacetFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def names(queryset) -> list[str]:
    return [org.name for org in queryset]


def listed(**filters) -> list[str]:
    return names(organisation_list(filters=CustomerFilters(**filters)))


def test_last_met_is_the_latest_attended_held_or_closed_meeting():
    contact = ContactFactory(organisation__name="Acme")
    attended(contact, days=400, status="closed")
    attended(contact, days=100)
    attended(contact, days=30, attended=False)  # booked but did not come
    attended(contact, days=20, status="cancelled")
    attended(contact, days=-10, status="invited", attended=None)  # upcoming
    org = organisation_list().get(name="Acme")
    assert org.last_met.date() == days_ago(100).date()
    assert org.times_met == 2
    assert org.bookings_count == 5


def test_organisation_never_met_shows_no_last_met():
    OrganisationFactory(name="Quiet Ltd")
    org = organisation_list().get(name="Quiet Ltd")
    assert org.last_met is None
    assert org.times_met == 0


def test_times_met_counts_each_meeting_once_even_with_two_contacts_there():
    org = OrganisationFactory(name="Pair")
    first, second = ContactFactory(organisation=org), ContactFactory(organisation=org)
    booking = attended(first, days=10)
    BookingFactory(meeting=booking.meeting, contact=second, attended=True)
    assert organisation_list().get(name="Pair").times_met == 1


def test_filters_by_tier_facet_region_and_country():
    retail, energy = FacetFactory(name="Retail"), FacetFactory(name="Energy")
    north, south = RegionFactory(name="North"), RegionFactory(name="South", countries=["DE"])
    OrganisationFactory(name="A", tier="key", region=north, facets=[retail, energy])
    OrganisationFactory(name="B", tier="strategic", region=north, facets=[energy])
    OrganisationFactory(name="C", tier="other", region=south, country="DE")
    assert listed(tiers=["strategic"]) == ["B"]
    assert listed(facet_ids=[retail.pk]) == ["A"]
    assert listed(facet_ids=[energy.pk]) == ["A", "B"]
    assert listed(region_ids=[south.pk]) == ["C"]
    assert listed(countries=["DE"]) == ["C"]
    assert listed(tiers=["key"], facet_ids=[energy.pk], region_ids=[north.pk]) == ["A"]


def test_not_met_for_n_months_keeps_never_met_and_long_ago_but_not_recent():
    recent = ContactFactory(organisation__name="Recent")
    attended(recent, days=30)
    old = ContactFactory(organisation__name="Old")
    attended(old, days=250)
    OrganisationFactory(name="Never")
    assert listed(not_met_months=6) == ["Never", "Old"]
    assert listed(not_met_months=12) == ["Never"]
    assert listed(not_met_months=3) == ["Never", "Old"]


def test_never_invited_excludes_any_organisation_with_a_booking():
    invited = ContactFactory(organisation__name="Invited")
    attended(invited, days=-5, status="invited", attended=None)
    declined = ContactFactory(organisation__name="Declined")
    BookingFactory(contact=declined, rsvp="declined")
    OrganisationFactory(name="Untouched")
    ContactFactory(organisation__name="Contact but no booking")
    assert listed(never_invited=True) == ["Contact but no booking", "Untouched"]


def test_search_finds_contacts_but_executives_search_organisation_names_only():
    ContactFactory(organisation__name="Blue Ltd", name="Zara Quill", email="zq@blue.example")
    OrganisationFactory(name="Zara Foods")
    assert listed(q="zara") == ["Blue Ltd", "Zara Foods"]
    assert listed(q="zq@blue") == ["Blue Ltd"]
    assert listed(q="zara", search_contacts=False) == ["Zara Foods"]


def test_sort_longest_since_met_puts_never_met_first():
    a = ContactFactory(organisation__name="Met lately")
    attended(a, days=5)
    b = ContactFactory(organisation__name="Met long ago")
    attended(b, days=500)
    OrganisationFactory(name="Zulu never met")
    assert listed(sort="last_met") == ["Zulu never met", "Met long ago", "Met lately"]
    assert listed(sort="-last_met") == ["Met lately", "Met long ago", "Zulu never met"]


def test_invite_next_orders_never_met_first_then_longest_since_met_per_region():
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    lately = ContactFactory(organisation__name="Lately", organisation__region=north)
    attended(lately, days=10)
    long_ago = ContactFactory(
        organisation__name="Long ago", organisation__region=north, organisation__tier="strategic"
    )
    attended(long_ago, days=300)
    OrganisationFactory(name="Never", region=north)
    OrganisationFactory(name="Other tier", region=north, tier="other")
    OrganisationFactory(name="Southern", region=south)
    result = {entry.region.name: names(entry.organisations) for entry in invite_next()}
    assert result == {"North": ["Never", "Long ago", "Lately"], "South": ["Southern"]}


def test_invite_next_lists_contacts_met_longest_ago_first_and_hides_erased():
    org = OrganisationFactory(name="Acme")
    seen = ContactFactory(organisation=org, name="Seen")
    attended(seen, days=20)
    ContactFactory(organisation=org, name="Unseen")
    ContactFactory(organisation=org, name="Gone", erased_at=days_ago(1))
    (entry,) = invite_next()
    assert [c.name for c in entry.organisations[0].contacts.all()] == ["Unseen", "Seen"]


def test_facet_coverage_shows_a_gap_for_a_facet_nobody_met_last_quarter():
    region = RegionFactory(name="North")
    retail, energy, food = (
        FacetFactory(name="Retail"),
        FacetFactory(name="Energy"),
        FacetFactory(name="Food"),
    )
    shop = ContactFactory(organisation__region=region, organisation__facets=[retail])
    attended(shop, days=20)
    plant = ContactFactory(organisation__region=region, organisation__facets=[energy])
    attended(plant, days=200)  # before the quarter
    grocer = ContactFactory(organisation__region=region, organisation__facets=[food])
    attended(grocer, days=15, attended=False)  # booked but absent
    now = days_ago(0)
    facets, rows = facet_coverage(since=months_ago(now, 3), until=now)
    (row,) = rows
    assert {facet.name: count for facet, count in row.cells} == {
        "Retail": 1,
        "Energy": 0,
        "Food": 0,
    }
    assert [facet.name for facet in row.gaps] == ["Energy", "Food"]


def test_key_customers_not_met_for_six_months():
    recent = ContactFactory(organisation__name="Recent")
    attended(recent, days=20)
    old = ContactFactory(organisation__name="Old")
    attended(old, days=200)
    OrganisationFactory(name="Strategic never", tier="strategic")
    OrganisationFactory(name="Key never")
    assert names(key_customers_not_met(months=6)) == ["Key never", "Old"]


def test_meeting_history_shows_dates_and_who_attended():
    org = OrganisationFactory(name="Acme")
    ann = ContactFactory(organisation=org, name="Ann")
    bob = ContactFactory(organisation=org, name="Bob")
    booking = attended(ann, days=40)
    BookingFactory(meeting=booking.meeting, contact=bob, attended=False)
    upcoming = MeetingFactory(region=org.region, status="invited")
    BookingFactory(meeting=upcoming, contact=bob)
    history = organisation_meeting_history(organisation=org)
    assert [(h.outcome, h.attended) for h in history] == [("Booked", []), ("Attended", ["Ann"])]
    assert history[1].booked == ["Ann", "Bob"]


def test_months_ago_clamps_to_the_end_of_shorter_months():
    moment = days_ago(0).replace(year=2026, month=5, day=31)
    assert months_ago(moment, 3).date().isoformat() == "2026-02-28"
    assert months_ago(moment, 12).date().isoformat() == "2025-05-31"


def test_tier_choices_are_key_strategic_other():
    assert Organisation.Tier.values == ["key", "strategic", "other"]

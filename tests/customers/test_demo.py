import io

import pytest

from accounts import demo as accounts_demo
from customers import demo
from customers.models import Contact, Facet, Organisation, Region

pytestmark = pytest.mark.django_db


def test_demo_seeds_thirty_organisations_and_is_idempotent():
    accounts_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    counts = (Organisation.objects.count(), Region.objects.count(), Facet.objects.count())
    contacts = Contact.objects.count()
    demo.seed(stdout=io.StringIO())
    assert counts == (30, 3, 6)
    assert (Organisation.objects.count(), Region.objects.count(), Facet.objects.count()) == counts
    assert Contact.objects.count() == contacts >= 30
    assert Region.objects.get(name="DACH").leaders.get().username == "leader2"
    # Every demo organisation sits in one of its region's countries.
    for org in Organisation.objects.select_related("region"):
        assert org.country in org.region.countries

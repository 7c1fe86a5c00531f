"""A leader writes the charters of the regions they lead; administrators write every
charter; executives only read (actions/rules.py)."""

import pytest
from django.urls import reverse

from actions import services
from actions.models import Charter, CharterVersion, ExpectationLink, Measure
from tests.factories import RegionFactory, administrator, executive, leader

pytestmark = pytest.mark.django_db


@pytest.fixture
def north_and_south():
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    north_leader, south_leader = leader(username="nora"), leader(username="sol")
    north.leaders.add(north_leader)
    south.leaders.add(south_leader)
    charter = services.charter_create(name="North charter", region=north, by=north_leader)
    draft = charter.versions.get()
    services.charter_item_add(version=draft, by=north_leader, category="other", text="Call back")
    return north, south, north_leader, south_leader, charter, draft


def test_leader_of_another_region_cannot_publish_or_edit_the_charter(client, north_and_south):
    north, south, north_leader, south_leader, charter, draft = north_and_south
    item = draft.items.get()
    client.force_login(south_leader)
    forbidden = [
        ("actions:charter_item_add", [draft.pk], {"category": "other", "text": "Mine now"}),
        ("actions:charter_version_transition", [draft.pk, "review"], {}),
        ("actions:charter_item_edit", [item.pk], {"category": "other", "text": "Changed"}),
        ("actions:charter_item_edit", [item.pk], {"delete": "1"}),
        ("actions:charter_new_draft", [charter.pk], {}),
        ("actions:charter_promote", [charter.pk], {"label": "anything"}),
        ("actions:measure_add", [item.pk], {"name": "Days", "target": "3", "direction": "max"}),
    ]
    for name, args, data in forbidden:
        assert client.post(reverse(name, args=args), data).status_code == 403, name
    draft.refresh_from_db()
    assert draft.status == CharterVersion.Status.DRAFT
    assert [i.text for i in draft.items.all()] == ["Call back"]
    assert not Measure.objects.exists()
    # Reading stays open to every leader, without the buttons that would be refused.
    page = client.get(reverse("actions:charter_version", args=[draft.pk]))
    assert page.status_code == 200
    body = page.text
    assert "Mark reviewed with customers" not in body
    assert reverse("actions:charter_item_edit", args=[item.pk]) not in body


def test_leader_of_the_region_publishes_their_charter(client, north_and_south):
    north, south, north_leader, south_leader, charter, draft = north_and_south
    client.force_login(north_leader)
    page = client.get(reverse("actions:charter_version", args=[draft.pk])).text
    assert "Mark reviewed with customers" in page
    for step in ("review", "publish"):
        response = client.post(reverse("actions:charter_version_transition", args=[draft.pk, step]))
        assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CharterVersion.Status.PUBLISHED


def test_administrator_writes_any_regions_charter(client, north_and_south):
    *_, charter, draft = north_and_south
    client.force_login(administrator())
    response = client.post(
        reverse("actions:charter_item_add", args=[draft.pk]),
        {"category": "reliability", "text": "Keep promises"},
    )
    assert response.status_code == 302
    assert draft.items.count() == 2


def test_executive_reads_but_sees_no_way_to_change(client, north_and_south):
    *_, charter, draft = north_and_south
    client.force_login(executive())
    page = client.get(reverse("actions:charter_version", args=[draft.pk]))
    assert page.status_code == 200
    assert "Mark reviewed with customers" not in page.text
    response = client.post(reverse("actions:charter_version_transition", args=[draft.pk, "review"]))
    assert response.status_code == 403
    assert "New charter" not in client.get(reverse("actions:charter_list")).text


def test_new_charter_offers_only_the_regions_the_leader_leads(client, north_and_south):
    north, south, north_leader, south_leader, charter, draft = north_and_south
    west = RegionFactory(name="West")
    west.leaders.add(south_leader)
    client.force_login(south_leader)
    page = client.get(reverse("actions:charter_list")).text
    assert f'<option value="{west.pk}"' in page
    assert f'<option value="{north.pk}"' not in page
    refused = client.post(
        reverse("actions:charter_list"), {"name": "Not mine", "region": str(north.pk)}
    )
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.text
    assert not Charter.objects.filter(name="Not mine").exists()
    created = client.post(reverse("actions:charter_list"), {"name": "West", "region": west.pk})
    assert created.status_code == 302
    assert Charter.objects.get(name="West").region == west


def test_team_charter_is_written_by_leaders_who_lead_a_region(client):
    region_leader, leader_without_region = leader(), leader()
    RegionFactory().leaders.add(region_leader)
    charter = services.charter_create(name="Support", team="Support", by=region_leader)
    draft = charter.versions.get()
    url = reverse("actions:charter_item_add", args=[draft.pk])
    client.force_login(leader_without_region)
    assert client.post(url, {"category": "other", "text": "x"}).status_code == 403
    client.force_login(region_leader)
    assert client.post(url, {"category": "other", "text": "Reply in a day"}).status_code == 302
    assert draft.items.count() == 1


def test_facilitator_places_only_what_was_heard_in_their_own_meetings(client, north_and_south):
    from feedback.models import FeedbackItem
    from tests.factories import FeedbackItemFactory, MeetingFactory, facilitator

    north, south, *_, charter, draft = north_and_south
    fay = facilitator(username="fay")
    theirs = MeetingFactory(region=north, facilitators=[fay])
    someone_elses = MeetingFactory(region=north)
    heard = FeedbackItemFactory(
        meeting=theirs, kind=FeedbackItem.Kind.EXPECTATION, text="Reply within a day"
    )
    not_theirs = FeedbackItemFactory(
        meeting=someone_elses, kind=FeedbackItem.Kind.EXPECTATION, text="Name one contact"
    )
    client.force_login(fay)
    url = reverse("actions:charter_heard", args=[charter.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Reply within a day" in page.text
    assert "Name one contact" not in page.text
    placed = {"placement": "none", "label": "Answer quickly"}
    response = client.post(url, {"feedback_item": not_theirs.pk, **placed}, follow=True)
    assert "no longer waiting to be placed" in response.text
    assert not ExpectationLink.objects.exists()
    client.post(url, {"feedback_item": heard.pk, **placed})
    assert ExpectationLink.objects.get().feedback_item == heard
    # A region where they facilitated nothing: no way in.
    south_charter = services.charter_create(name="South", region=south, by=administrator())
    assert client.get(reverse("actions:charter_heard", args=[south_charter.pk])).status_code == 403

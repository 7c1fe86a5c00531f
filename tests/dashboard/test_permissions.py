import datetime as dt

import pytest

from tests import factories as f

JAN = dt.date(2026, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facilitator"])
def test_facilitators_cannot_see_the_dashboard(client, role):
    client.force_login(f.facilitator())
    for url in ["/dashboard/", "/dashboard/export.csv", "/dashboard/board-pack/"]:
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_leader_sees_only_their_regions(world, client):
    other = f.RegionFactory(name="Far Away Region")
    mine = world.meeting(organisations=3, month=JAN)
    theirs = world.meeting(organisations=3, month=JAN, region=other)
    world.feedback(mine, 2, text="Mine.")
    world.feedback(theirs, 5, text="Theirs.")
    world.refresh()
    leader = f.leader()
    world.region.leaders.add(leader)
    client.force_login(leader)
    html = client.get("/dashboard/").content.decode()
    assert "Far Away Region" not in html
    export = b"".join(client.get("/dashboard/export.csv").streaming_content).decode()
    assert "Mine." in export
    assert "Theirs." not in export
    # Asking for the other region by id gives nothing from it.
    forced = b"".join(
        client.get(f"/dashboard/export.csv?region={other.pk}").streaming_content
    ).decode()
    assert "Theirs." not in forced


@pytest.mark.django_db
def test_leaders_cannot_rename_or_recompute_themes(client):
    client.force_login(f.leader())
    assert client.post("/dashboard/themes/recompute/").status_code == 403

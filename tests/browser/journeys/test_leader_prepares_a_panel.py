"""Journey 1: a leader imports customers, creates a panel, puts the agenda customer-first,
books three organisations until the warnings go away, and sends the invitations."""

import pytest
from playwright.sync_api import expect

from meetings.models import AgendaTemplate, Booking, Meeting
from outbox.models import OutboxMail
from tests.browser.journeys.conftest import accessible, log_in
from tests.factories import FacetFactory, RegionFactory, leader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "organisation,tier,region,country,facets,contact name,email,job title\n"
    "Boulangeries Réunies,key,France,FR,Retail,Amélie Durand,amelie.durand@boulangeries.example,Directrice des achats\n"
    "Grossiste Nord,strategic,France,FR,Wholesale,Chloé Martin,chloe.martin@grossiste-nord.example,Head of supply\n"
    "Ministère Exemple,key,France,FR,Public sector,Hugo Bernard,hugo.bernard@ministere.example,Chef de projet\n"
)


@pytest.fixture
def france():
    region = RegionFactory(name="France", countries=["FR"], time_zone="Europe/Paris")
    for facet in ("Retail", "Wholesale", "Public sector"):
        FacetFactory(name=facet)
    lena = leader(username="lena", first_name="Lena", last_name="Laurent")
    # This company has no agenda template yet (whether the migration's default survives
    # depends on which transactional test ran before): the leader writes the agenda.
    AgendaTemplate.objects.all().delete()
    region.leaders.add(lena)
    return region


def test_leader_prepares_a_panel_and_sends_the_invitations(page, france, steps):
    log_in(page, "lena")
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    steps.shot(page, "01 leader home")

    # 1. Import the customers from a spreadsheet export.
    page.get_by_role("navigation").get_by_role("link", name="Customers").first.click()
    page.get_by_role("link", name="Import CSV").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "france.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    steps.shot(page, "02 import upload")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    accessible(page)
    steps.shot(page, "03 import preview")
    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_text("Imported: 3 new and 0 updated organisations")).to_be_visible()
    expect(page.get_by_role("link", name="Grossiste Nord")).to_be_visible()
    steps.shot(page, "04 customers imported")

    # 2. Create the meeting: a customer panel in France.
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("France customer panel — spring")
    page.get_by_label("Customer panel").check()
    page.get_by_label("Region").select_option(label="France")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Starts").fill("2031-03-12T09:30")
    page.get_by_label("Ends").fill("2031-03-12T12:00")
    page.get_by_label("Place").fill("Siège, 12 rue de la Paix, Paris")
    page.get_by_label("Objectives").fill(
        "Hear how three very different customers see us, and agree what to change."
    )
    steps.shot(page, "05 new meeting", full_page=True)
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("France customer panel — spring")
    meeting = Meeting.objects.get(title="France customer panel — spring")

    # 3. The agenda: the leader adds the usual items, finance first out of habit ...
    page.goto(f"/meetings/{meeting.pk}/agenda/")
    for section, title, minutes in [
        ("Finance", "Quarterly results", "20"),
        ("Operational processes", "Delivery times", "25"),
        ("Customer", "How do you see us?", "45"),
    ]:
        page.get_by_label("Section").select_option(label=section)
        page.get_by_label("Title").fill(title)
        page.get_by_label("Minutes").fill(minutes)
        page.get_by_role("button", name="Add the item").click()
        expect(page.locator(".agenda-item strong", has_text=title)).to_be_visible()
    expect(page.get_by_text("Not customer-first")).to_be_visible()
    steps.shot(page, "06 agenda not customer first", full_page=True)
    # ... and puts customers first.
    page.get_by_role("button", name="Put customers first").click()
    expect(page.get_by_text("Customer-first", exact=True)).to_be_visible()
    expect(page.locator(".agenda-item strong")).to_have_text(
        ["How do you see us?", "Delivery times", "Quarterly results"]
    )
    accessible(page)
    steps.shot(page, "07 agenda customer first", full_page=True)

    # 4. Book the panel: one organisation raises warnings; three make them go away.
    page.goto(f"/meetings/{meeting.pk}/guests/")
    page.get_by_label("Amélie Durand").check()
    live = page.locator("#live-warnings")
    expect(live).to_contain_text("3–4 customer organisations")
    expect(live).to_contain_text("Facets of the region not represented")
    steps.shot(page, "08 booking warnings", full_page=True)
    page.get_by_label("Chloé Martin").check()
    expect(live).to_contain_text("this one has 2")
    page.get_by_label("Hugo Bernard").check()
    expect(live).to_contain_text("No warning for this guest list.")
    expect(live.locator("[data-warning]")).to_have_count(0)
    accessible(page)
    steps.shot(page, "09 booking no warnings", full_page=True)
    page.get_by_role("button", name="Check and book").click()
    expect(page.get_by_text("Booked 3 guests", exact=False)).to_be_visible()
    assert Booking.objects.filter(meeting=meeting).count() == 3

    # 5. Send the invitations.
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Send invitation").click()
    page.get_by_label("A few words from you (optional)").fill(
        "Your frank view of us matters more than a polite one."
    )
    page.get_by_role("button", name="Save and preview").click()
    frame = page.frame_locator("iframe.mail-frame")
    expect(
        frame.get_by_text("Your frank view of us matters more than a polite one.")
    ).to_be_visible()
    accessible(page)
    steps.shot(page, "10 invitation preview", locator=page.locator("iframe.mail-frame"))
    page.get_by_role("button", name="Send to 3 guests").click()
    expect(page.get_by_text("3 invitations queued")).to_be_visible()
    steps.shot(page, "11 invitations sent")
    invitations = OutboxMail.objects.filter(kind="invitation")
    assert invitations.count() == 3
    assert set(invitations.values_list("status", flat=True)) == {"sent"}
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.INVITED

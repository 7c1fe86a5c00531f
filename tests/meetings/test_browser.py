import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Booking, Meeting, PrepItem, Section
from tests.browser.a11y import assert_accessible
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    ContactFactory,
    FacetFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/home/**")


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.fixture
def panel():
    region = RegionFactory(name="France", countries=["FR"], time_zone="Europe/Paris")
    owner = leader(username="lena", first_name="Lena")
    start = (timezone.now() + dt.timedelta(days=20)).replace(hour=9, minute=0, second=0)
    meeting = MeetingFactory(
        title="France customer panel — December",
        type=Meeting.Type.PANEL,
        region=region,
        country="FR",
        time_zone="Europe/Paris",
        owner=owner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    rows = [
        (Section.FINANCE, "Financial results", 30),
        (Section.OPERATIONS, "SLA dashboard", 25),
        (Section.CUSTOMER, "How do you see us?", 40),
        (Section.SALES, "Pipeline", 20),
        (Section.CUSTOMER, "Survey results", 20),
    ]
    for n, (section, title, minutes) in enumerate(rows):
        AgendaItemFactory(
            meeting=meeting, section=section, title=title, minutes=minutes, position=n
        )
    retail, wholesale = FacetFactory(name="Retail"), FacetFactory(name="Wholesale")
    FacetFactory(name="Public sector")
    OrganisationFactory(
        region=region, name="Ministère Example", facets=[FacetFactory(name="Public sector")]
    )
    org = OrganisationFactory(region=region, name="Boulangeries Réunies", facets=[retail])
    BookingFactory(meeting=meeting, contact=ContactFactory(organisation=org, name="Amélie Durand"))
    ContactFactory(organisation=org, name="Bruno Petit")
    ContactFactory(
        organisation=OrganisationFactory(region=region, name="Grossiste Nord", facets=[wholesale]),
        name="Chloé Martin",
    )
    PrepItem.objects.create(meeting=meeting, text="Tell the staff we are serious", position=0)
    PrepItem.objects.create(meeting=meeting, text="Negative feedback is as valuable", position=1)
    return meeting


def test_agenda_is_put_customer_first_and_moved_by_keyboard(page, panel, screenshot_dir):
    log_in(page, "lena")
    page.goto(f"/meetings/{panel.pk}/agenda/")
    expect(page.get_by_text("Not customer-first")).to_be_visible()
    expect(page.get_by_text("longer than the meeting")).to_be_visible()  # 135 min in 120
    page.screenshot(path=screenshot_dir / "meetings-agenda-old-order.png", full_page=True)
    page.get_by_role("button", name="Put customers first").click()
    expect(page.get_by_text("Customer-first", exact=True)).to_be_visible()
    items = page.locator(".agenda-item strong")
    expect(items).to_have_text(
        ["How do you see us?", "Survey results", "SLA dashboard", "Pipeline", "Financial results"]
    )
    # Keyboard: the Up/Down buttons have accessible names.
    page.get_by_role("button", name="Move “Survey results” up").click()
    expect(items.first).to_have_text("Survey results")
    page.get_by_role("button", name="Move “SLA dashboard” up").click()
    expect(page.get_by_role("alert")).to_contain_text("customer block stays first")
    expect(items.nth(2)).to_have_text("SLA dashboard")
    page.screenshot(path=screenshot_dir / "meetings-agenda-refused.png", full_page=True)
    assert_accessible(page)


def test_agenda_drag_and_drop_is_saved(page, panel):
    log_in(page, "lena")
    page.goto(f"/meetings/{panel.pk}/agenda/")
    page.get_by_role("button", name="Put customers first").click()
    expect(page.get_by_text("Customer-first", exact=True)).to_be_visible()
    handles = page.locator(".drag-handle")
    # Drag "Financial results" (last) above "SLA dashboard" (third).
    source = handles.nth(4).bounding_box()
    target = handles.nth(2).bounding_box()
    page.mouse.move(source["x"] + 5, source["y"] + 5)
    page.mouse.down()
    for step in range(1, 11):
        y = source["y"] + (target["y"] - source["y"]) * step / 10
        page.mouse.move(source["x"] + 5, y)
        page.wait_for_timeout(30)
    page.mouse.move(target["x"] + 5, target["y"] + 2)
    # Sortable moves the item at once; wait for the server to save the order.
    with page.expect_response("**/agenda/reorder/") as saved:
        page.mouse.up()
    assert saved.value.ok
    items = page.locator(".agenda-item strong")
    expect(items.nth(2)).to_have_text("Financial results")
    page.reload()
    expect(page.locator(".agenda-item strong").nth(2)).to_have_text("Financial results")


def test_agenda_editing_on_a_phone(phone_page, panel, screenshot_dir):
    log_in(phone_page, "lena")
    phone_page.goto(f"/meetings/{panel.pk}/agenda/")
    phone_page.get_by_role("button", name="Put customers first").click()
    expect(phone_page.get_by_text("Customer-first", exact=True)).to_be_visible()
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "meetings-agenda-phone.png", full_page=True)


def test_booking_shows_warnings_before_saving(page, panel, screenshot_dir):
    log_in(page, "lena")
    page.goto(f"/meetings/{panel.pk}/guests/")
    page.get_by_label("Bruno Petit").check()
    # Warnings appear as soon as the contact is ticked, before anything is saved.
    expect(page.locator("#live-warnings")).to_contain_text("2 guests from Boulangeries Réunies")
    page.screenshot(path=screenshot_dir / "meetings-booking-live.png", full_page=True)
    page.get_by_role("button", name="Check and book").click()
    warnings = page.get_by_role("alert")
    expect(warnings).to_contain_text("3–4 customer organisations")
    expect(warnings).to_contain_text("2 guests from Boulangeries Réunies")
    expect(warnings).to_contain_text("Public sector")
    page.screenshot(path=screenshot_dir / "meetings-booking-warnings.png", full_page=True)
    assert_accessible(page)
    assert not Booking.objects.filter(contact__name="Bruno Petit").exists()
    page.get_by_role("button", name="Book anyway").click()
    expect(page.get_by_text("Booked 1 guest: Bruno Petit.")).to_be_visible()
    assert Booking.objects.filter(contact__name="Bruno Petit").exists()


def test_booking_warnings_on_a_phone(phone_page, panel, screenshot_dir):
    log_in(phone_page, "lena")
    phone_page.goto(f"/meetings/{panel.pk}/guests/")
    phone_page.get_by_label("Chloé Martin").check()
    phone_page.get_by_role("button", name="Check and book").click()
    expect(phone_page.get_by_role("alert")).to_contain_text("3–4 customer organisations")
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "meetings-booking-phone.png", full_page=True)


def test_meeting_page_desktop_and_phone(page, phone_page, panel, screenshot_dir):
    log_in(page, "lena")
    page.goto(f"/meetings/{panel.pk}/")
    expect(page.get_by_role("heading", level=1, name=panel.title)).to_be_visible()
    expect(page.get_by_text("RSVP: Not answered")).to_be_visible()
    expect(page.get_by_text("3–4 customer organisations")).to_be_visible()
    page.get_by_role("button", name="Tick: Tell the staff we are serious").click()
    expect(page.get_by_role("button", name="Untick: Tell the staff we are serious")).to_be_visible()
    page.screenshot(path=screenshot_dir / "meetings-detail.png", full_page=True)
    assert_accessible(page)
    log_in(phone_page, "lena")
    phone_page.goto(f"/meetings/{panel.pk}/")
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "meetings-detail-phone.png", full_page=True)


def test_rhythm_of_the_demo_year(page, phone_page, screenshot_dir):
    import io

    from accounts import demo as accounts_demo
    from meetings import demo as meetings_demo

    accounts_demo.seed(stdout=io.StringIO())
    meetings_demo.seed(stdout=io.StringIO())
    for p in (page, phone_page):
        p.goto("/accounts/login/")
        p.get_by_label("Username").fill("leader")
        p.get_by_label("Password").fill(accounts_demo.DEMO_PASSWORD)
        p.get_by_role("button", name="Log in").click()
        p.wait_for_url("**/home/**")
    page.goto("/meetings/rhythm/")
    expect(page.get_by_role("heading", level=1, name="Monthly rhythm")).to_be_visible()
    expect(page.get_by_role("rowheader", name="France")).to_be_visible()
    expect(page.get_by_text("No customer guest").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "meetings-rhythm.png", full_page=True)
    assert_accessible(page)
    phone_page.goto("/meetings/rhythm/")
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "meetings-rhythm-phone.png", full_page=True)
    page.goto("/meetings/?scope=past")
    page.screenshot(path=screenshot_dir / "meetings-list.png", full_page=True)
    assert_accessible(page)


def test_prep_brief(page, phone_page, panel, screenshot_dir):
    log_in(page, "lena")
    page.goto(f"/meetings/{panel.pk}/prep/brief/")
    expect(page.get_by_role("heading", name="Guest organisations")).to_be_visible()
    page.screenshot(path=screenshot_dir / "meetings-prep-brief.png", full_page=True)
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.screenshot(path=screenshot_dir / "meetings-prep-brief-print.png", full_page=True)
    log_in(phone_page, "lena")
    phone_page.goto(f"/meetings/{panel.pk}/prep/brief/")
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "meetings-prep-brief-phone.png", full_page=True)


def test_create_a_meeting_with_a_mistake_then_fix_it(page, phone_page, screenshot_dir):
    region = RegionFactory(name="France", countries=["FR"], time_zone="Europe/Paris")
    owner = leader(username="lena", first_name="Lena")
    region.leaders.add(owner)
    log_in(page, "lena")
    page.goto("/meetings/new/")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")  # from the region
    page.get_by_label("Title").fill("France leadership meeting — January")
    page.get_by_label("Starts").fill("2030-01-14T10:00")
    page.get_by_label("Ends").fill("2030-01-14T09:00")
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.get_by_text("The meeting must end after it starts.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("France leadership meeting — January")
    page.screenshot(path=screenshot_dir / "meetings-create-error.png", full_page=True)
    assert_accessible(page)
    page.get_by_label("Ends").fill("2030-01-14T13:00")
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("France leadership meeting — January")
    expect(page.get_by_text("Mon 14 Jan 2030, 10:00–13:00 (Europe/Paris)")).to_be_visible()
    log_in(phone_page, "lena")
    phone_page.goto("/meetings/new/")
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "meetings-create-phone.png", full_page=True)


def test_facilitator_picks_and_orders_questions(page, panel, screenshot_dir):
    from tests.factories import facilitator

    fac = facilitator(username="femi", first_name="Femi")
    panel.facilitators.add(fac)
    log_in(page, "femi")
    page.goto(f"/meetings/{panel.pk}/questions/")
    chosen = page.locator("#questions-editor ol li > span")
    page.get_by_role("button", name="Add “How customer-focused are we?”").click()
    expect(chosen).to_have_count(1)
    page.get_by_role("button", name="Add “What has worked for you, and what has not?”").click()
    chosen = page.locator("#questions-editor ol li > span")
    expect(chosen).to_have_count(2)
    page.get_by_role("button", name="Move “What has worked for you, and what has not?” up").click()
    expect(chosen.first).to_have_text("What has worked for you, and what has not?")
    page.screenshot(path=screenshot_dir / "meetings-questions.png", full_page=True)
    assert_accessible(page)


def test_after_the_meeting_attendance_rating_and_closing(page, phone_page, screenshot_dir):
    from tests.factories import facilitator

    owner = leader(username="lena", first_name="Lena")
    fac = facilitator(username="femi", first_name="Femi")
    start = timezone.now() - dt.timedelta(days=1)
    meeting = MeetingFactory(
        title="UK leadership meeting — last month",
        owner=owner,
        facilitators=[fac],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    came = BookingFactory(meeting=meeting, contact=ContactFactory(name="Priya Shah"))
    BookingFactory(meeting=meeting, contact=ContactFactory(name="Tom Baker"))
    log_in(page, "femi")
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_label("Attendance of Priya Shah").select_option(label="Attended")
    page.get_by_label("Attendance of Tom Baker").select_option(label="Absent")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()
    came.refresh_from_db()
    assert came.attended is True
    page.get_by_label("4F").check()
    page.get_by_label("Why?").fill("Two concerns and an idea, discussed openly.")
    page.get_by_role("button", name="Save the rating").click()
    expect(page.get_by_text("Rated 4F.")).to_be_visible()
    expect(page.get_by_role("button", name="Close the meeting")).to_have_count(0)  # owner only
    page.screenshot(path=screenshot_dir / "meetings-after.png", full_page=True)
    assert_accessible(page)
    log_in(phone_page, "lena")
    phone_page.goto(f"/meetings/{meeting.pk}/")
    phone_page.get_by_role("button", name="Close the meeting").click()
    expect(phone_page.get_by_text("The meeting is now closed.")).to_be_visible()
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=screenshot_dir / "meetings-closed-phone.png", full_page=True)


def test_the_time_zone_follows_the_country_and_stands_beside_the_times(
    page, phone_page, screenshot_dir
):
    # A region whose own zone is Berlin: a UK meeting in it is still held on London time.
    region = RegionFactory(name="Europe", countries=["DE", "GB", "FR"], time_zone="Europe/Berlin")
    owner = leader(username="lena", first_name="Lena")
    region.leaders.add(owner)
    log_in(page, "lena")
    page.goto("/meetings/new/")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")  # Germany, first
    page.get_by_label("Country").select_option(label="United Kingdom")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/London")
    expect(page.locator("[data-zone-hint]")).to_have_text(["Europe/London", "Europe/London"])
    page.get_by_label("Title").fill("UK leadership meeting — January")
    page.get_by_label("Starts").fill("2030-01-14T10:00")
    page.get_by_label("Ends").fill("2030-01-14T13:00")
    page.get_by_label("Agenda template").select_option(label="No agenda (start empty)")
    page.screenshot(path=screenshot_dir / "meetings-create-time-zone.png", full_page=True)
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.get_by_text("Mon 14 Jan 2030, 10:00–13:00 (Europe/London)")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.time_zone == "Europe/London"
    assert not meeting.agenda_items.exists()  # "No agenda (start empty)" is honoured
    log_in(phone_page, "lena")
    phone_page.goto("/meetings/new/")
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(
        path=screenshot_dir / "meetings-create-time-zone-phone.png", full_page=True
    )


def test_leader_keeps_an_agenda_as_a_template_and_adds_a_question(
    page, phone_page, panel, screenshot_dir
):
    log_in(page, "lena")
    page.goto(f"/meetings/{panel.pk}/agenda/")
    page.get_by_label("Template name").fill("France panel, customers first")
    page.get_by_role("button", name="Save as template").click()
    expect(page.get_by_role("heading", level=1, name="Agenda templates")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("France panel, customers first"))
    expect(row).to_contain_text("Yours")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "meetings-templates.png", full_page=True)

    page.goto("/meetings/new/")
    page.get_by_label("Agenda template").select_option(label="France panel, customers first")
    page.get_by_label("Title").fill("France panel — February")
    page.get_by_label("Region").select_option(label="France")
    page.get_by_label("Country").select_option(label="France")
    page.get_by_label("Starts").fill("2030-02-11T10:00")
    page.get_by_label("Ends").fill("2030-02-11T13:00")
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("France panel — February")
    expect(page.get_by_text("How do you see us?")).to_be_visible()

    page.goto("/meetings/question-bank/")
    page.get_by_label("Question", exact=True).fill("What would make renewing with us a non-event?")
    page.get_by_role("button", name="Add to the bank").click()
    expect(page.get_by_text("facilitators can choose it now")).to_be_visible()
    expect(page.get_by_text("Added by you")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "meetings-question-bank.png", full_page=True)

    log_in(phone_page, "lena")
    for path, name in (("/meetings/templates/", "templates"), ("/meetings/question-bank/", "bank")):
        phone_page.goto(path)
        no_horizontal_scroll(phone_page)
        phone_page.screenshot(path=screenshot_dir / f"meetings-{name}-phone.png", full_page=True)

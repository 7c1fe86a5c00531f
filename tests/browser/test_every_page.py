"""Every main page, with the demo's data: axe-core finds no serious or critical
violation, and nothing scrolls sideways at 375 px.

Prints (and writes to the screenshot directory) a table of what axe reported per page.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from tests.browser.a11y import BLOCKING_IMPACTS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_world() -> dict:
    """seed_demo, plus a meeting running now (capture, guest link) and the objects each
    page needs."""
    from actions.models import Charter, FollowUp
    from customers.models import Organisation
    from feedback.selectors import guest_link_token
    from invitations.tokens import rsvp_token
    from meetings.models import Booking, Meeting
    from tests.factories import BookingFactory, MeetingFactory

    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    now = timezone.now()
    leader = Meeting.objects.filter(owner__username="leader")
    upcoming = leader.filter(starts_at__gt=now, bookings__isnull=False).order_by("starts_at")[0]
    held = leader.filter(status__in=["held", "closed"]).order_by("-starts_at")[0]
    running = leader.filter(starts_at__lte=now, ends_at__gte=now).first()
    if running is None:
        from accounts.models import User

        running = MeetingFactory(
            owner=User.objects.get(username="leader"),
            facilitators=[User.objects.get(username="facilitator")],
            status="invited",
            region=upcoming.region,
            starts_at=now - dt.timedelta(minutes=15),
            ends_at=now + dt.timedelta(hours=2),
        )
        for booking in upcoming.bookings.all()[:3]:
            BookingFactory(meeting=running, contact=booking.contact)
    booking = Booking.objects.filter(meeting=upcoming).first()
    follow_up = FollowUp.objects.filter(published_at__isnull=False).first()
    return {
        "upcoming": upcoming,
        "held": held,
        "running": running,
        "organisation": Organisation.objects.order_by("name").first(),
        "rsvp": reverse("invitations:rsvp", args=[rsvp_token(booking)]),
        "guest_link": reverse("feedback:guest_comment", args=[guest_link_token(meeting=running)]),
        "charter": Charter.objects.order_by("pk").first(),
        "follow_up": follow_up,
    }


def pages(w: dict) -> list[tuple[str, str | None, str]]:
    """(name, demo user or None for a guest, address)."""
    up, held, running = w["upcoming"].pk, w["held"].pk, w["running"].pk
    rows = [
        ("Leader home", "leader", "/home/leader/"),
        ("Facilitator home", "facilitator", "/home/facilitator/"),
        ("Executive home", "executive", "/home/executive/"),
        ("Administrator home", "admin", "/home/administrator/"),
        ("Customer list", "leader", "/customers/"),
        ("Organisation", "leader", f"/customers/{w['organisation'].pk}/"),
        ("Invite next", "leader", "/customers/invite-next/"),
        ("Import customers", "leader", "/customers/import/"),
        ("Meetings", "leader", "/meetings/"),
        ("Meeting (upcoming)", "leader", f"/meetings/{up}/"),
        ("Meeting (held)", "leader", f"/meetings/{held}/"),
        ("New meeting", "leader", "/meetings/new/"),
        ("Agenda", "leader", f"/meetings/{up}/agenda/"),
        ("Book guests", "leader", f"/meetings/{up}/guests/"),
        ("Monthly rhythm", "leader", "/meetings/rhythm/"),
        ("Prep brief", "leader", f"/meetings/{up}/prep/brief/"),
        ("Questions", "leader", f"/meetings/{up}/questions/"),
        ("Outbox", "leader", "/outbox/"),
        ("Invitation preview", "leader", f"/invitations/meeting/{up}/"),
        ("RSVP (guest)", None, w["rsvp"]),
        ("Capture", "facilitator", f"/feedback/meetings/{running}/capture/"),
        ("Captured feedback (after)", "leader", f"/feedback/meetings/{held}/capture/"),
        ("Guest comment (guest)", None, w["guest_link"]),
        ("Dashboard", "executive", "/dashboard/"),
        ("Themes", "executive", "/dashboard/themes/"),
        ("Actions", "leader", "/actions/"),
        ("My actions", "leader", "/actions/mine/"),
        ("Actions by region", "executive", "/actions/regions/"),
        ("Charters", "leader", "/actions/charter/"),
        ("Follow-up compose", "leader", f"/actions/meetings/{held}/follow-up/"),
        ("Audit log", "admin", "/audit/"),
        ("Next month's guests", "leader", "/invitations/next-month/"),
    ]
    from actions.models import Measure

    measure = Measure.objects.filter(charter__region__leaders__username="leader").first()
    if measure is not None:
        rows.append(("Themes of a measure", "leader", f"/dashboard/measures/{measure.pk}/themes/"))
    if w["charter"] is not None:
        rows.append(("Charter", "leader", f"/actions/charter/{w['charter'].pk}/"))
    if w["follow_up"] is not None:
        from actions.followup import guest_token

        fu = w["follow_up"]
        booking = fu.meeting.bookings.first()
        from invitations.tokens import guest_page_token

        rows.append(
            (
                "Guest's standing page (guest)",
                None,
                reverse("actions:guest_page", args=[guest_page_token(booking)]),
            )
        )
        rows.append(
            (
                "“You said, we did” (guest)",
                None,
                reverse(
                    "actions:follow_up_public", args=[guest_token(follow_up=fu, booking=booking)]
                ),
            )
        )
    return rows


def test_every_main_page_is_accessible_and_fits_a_phone(browser, live_server, screenshot_dir):
    world = demo_world()
    contexts = {}

    def page_for(user, phone):
        key = (user, phone)
        if key not in contexts:
            options = {"base_url": live_server.url}
            if phone:
                options.update(viewport={"width": 375, "height": 740}, is_mobile=True)
            else:
                options.update(viewport={"width": 1200, "height": 900})
            context = browser.new_context(**options)
            context.set_default_timeout(15_000)
            page = context.new_page()
            if user:
                page.goto("/accounts/login/")
                page.get_by_label("Username").fill(user)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url("**/home/**")
            contexts[key] = page
        return contexts[key]

    report, problems = [], []
    out = screenshot_dir / "every-page"
    out.mkdir(exist_ok=True)
    for name, user, url in pages(world):
        page = page_for(user, phone=False)
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        status = response.status if response else 0
        violations = axe_violations(page)
        blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
        others = [v for v in violations if v.get("impact") not in BLOCKING_IMPACTS]
        phone = page_for(user, phone=True)
        phone.goto(url)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        phone.screenshot(path=out / f"{slug}-phone.png")
        report.append(
            f"{name:<28} {status:>3}  serious/critical: {len(blocking)}"
            f"  moderate/minor: {len(others)} ({', '.join(sorted({v['id'] for v in others})) or '-'})"
            f"  width at 375: {width}"
        )
        if status != 200:
            problems.append(f"{name}: {url} answered {status}")
        for v in blocking:
            targets = "; ".join(n["target"][0] for n in v["nodes"][:3] if n["target"])
            problems.append(f"{name}: {v['id']} ({v['impact']}) {v['help']} — {targets}")
        if width > 375:
            problems.append(f"{name}: {width}px wide at 375px")
    for page in contexts.values():
        page.context.close()
    text = "\n".join(report)
    (screenshot_dir / "a11y-report.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    assert not problems, "\n".join(problems)

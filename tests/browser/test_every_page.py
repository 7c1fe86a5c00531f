"""Every main page, with the demo's data: axe-core finds no serious or critical
violation, and nothing scrolls sideways at 375 px.

One test per page, so that xdist can spread the pages over its workers; each worker
builds the demo world and signs the demo users in once (`tests/browser/demo.py`). Each
page's row of what axe reported is printed, and the whole table written to the
screenshot directory (`a11y-report.txt`, by tests/conftest.py).
"""

import os

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from tests.browser.a11y import BLOCKING_IMPACTS, axe_violations
from tests.browser.demo import DemoSite
from tests.suite import A11Y_REPORT

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# (name, demo user or None for a guest, the page's address in the demo world; None when
# the demo has no such page).
PAGES = [
    ("Leader home", "leader", lambda w: "/home/leader/"),
    ("Facilitator home", "facilitator", lambda w: "/home/facilitator/"),
    ("Executive home", "executive", lambda w: "/home/executive/"),
    ("Administrator home", "admin", lambda w: "/home/administrator/"),
    ("Customer list", "leader", lambda w: "/customers/"),
    ("Organisation", "leader", lambda w: f"/customers/{w['organisation'].pk}/"),
    ("Invite next", "leader", lambda w: "/customers/invite-next/"),
    ("Import customers", "leader", lambda w: "/customers/import/"),
    ("Meetings", "leader", lambda w: "/meetings/"),
    ("Meeting (upcoming)", "leader", lambda w: f"/meetings/{w['upcoming'].pk}/"),
    ("Meeting (held)", "leader", lambda w: f"/meetings/{w['held'].pk}/"),
    ("New meeting", "leader", lambda w: "/meetings/new/"),
    ("Agenda", "leader", lambda w: f"/meetings/{w['upcoming'].pk}/agenda/"),
    ("Book guests", "leader", lambda w: f"/meetings/{w['upcoming'].pk}/guests/"),
    ("Monthly rhythm", "leader", lambda w: "/meetings/rhythm/"),
    ("Prep brief", "leader", lambda w: f"/meetings/{w['upcoming'].pk}/prep/brief/"),
    ("Questions", "leader", lambda w: f"/meetings/{w['upcoming'].pk}/questions/"),
    ("Outbox", "leader", lambda w: "/outbox/"),
    ("Invitation preview", "leader", lambda w: f"/invitations/meeting/{w['upcoming'].pk}/"),
    ("RSVP (guest)", None, lambda w: w["rsvp"]),
    ("Capture", "facilitator", lambda w: f"/feedback/meetings/{w['running'].pk}/capture/"),
    (
        "Captured feedback (after)",
        "leader",
        lambda w: f"/feedback/meetings/{w['held'].pk}/capture/",
    ),
    ("Guest comment (guest)", None, lambda w: w["guest_link"]),
    ("Dashboard", "executive", lambda w: "/dashboard/"),
    ("Themes", "executive", lambda w: "/dashboard/themes/"),
    ("Actions", "leader", lambda w: "/actions/"),
    ("My actions", "leader", lambda w: "/actions/mine/"),
    ("Actions by region", "executive", lambda w: "/actions/regions/"),
    ("Charters", "leader", lambda w: "/actions/charter/"),
    ("Follow-up compose", "leader", lambda w: f"/actions/meetings/{w['held'].pk}/follow-up/"),
    ("Audit log", "admin", lambda w: "/audit/"),
    ("Next month's guests", "leader", lambda w: "/invitations/next-month/"),
    (
        "Themes of a measure",
        "leader",
        lambda w: w["measure"] and f"/dashboard/measures/{w['measure'].pk}/themes/",
    ),
    ("Charter", "leader", lambda w: w["charter"] and f"/actions/charter/{w['charter'].pk}/"),
    ("Guest's standing page (guest)", None, lambda w: w["guest_page"]),
    ("“You said, we did” (guest)", None, lambda w: w["follow_up_public"]),
]


def slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


@pytest.fixture(scope="module")
def demo_site(request, browser, django_db_setup, django_db_blocker):
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    users = {user for _name, user, _address in PAGES if user}
    with DemoSite(
        browser=browser, django_db_blocker=django_db_blocker, address=address, users=users
    ) as site:
        yield site


def loaded(page) -> None:
    """The page as a person sees it: its `load` event (stylesheets, scripts and images
    in; the pages are rendered on the server and their scripts run on DOMContentLoaded)
    and no htmx request in flight."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


@pytest.mark.parametrize(
    ("number", "name", "user", "address"),
    [(number, *page) for number, page in enumerate(PAGES)],
    ids=[slug(name) for name, _user, _address in PAGES],
)
def test_main_page_is_accessible_and_fits_a_phone(
    number, name, user, address, demo_site, screenshot_dir, record_property
):
    url = address(demo_site.world)
    if url is None:
        pytest.skip(f"the demo has nothing to show on “{name}”")
    page = demo_site.page(user, phone=False)
    response = page.goto(url)
    loaded(page)
    status = response.status if response else 0
    violations = axe_violations(page)
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    others = [v for v in violations if v.get("impact") not in BLOCKING_IMPACTS]
    phone = demo_site.page(user, phone=True)
    phone.goto(url)
    loaded(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    out = screenshot_dir / "every-page"
    out.mkdir(exist_ok=True)
    phone.screenshot(path=out / f"{slug(name)}-phone.png")
    row = (
        f"{name:<28} {status:>3}  serious/critical: {len(blocking)}"
        f"  moderate/minor: {len(others)} ({', '.join(sorted({v['id'] for v in others})) or '-'})"
        f"  width at 375: {width}"
    )
    record_property(A11Y_REPORT, (number, row))
    print(row)
    problems = []
    if status != 200:
        problems.append(f"{name}: {url} answered {status}")
    for shown in (page, phone):  # a session lost on the way would show the login page
        if shown.url.startswith(demo_site.url + resolve_url(settings.LOGIN_URL)):
            problems.append(f"{name}: {url} led to {shown.url}")
    for v in blocking:
        targets = "; ".join(n["target"][0] for n in v["nodes"][:3] if n["target"])
        problems.append(f"{name}: {v['id']} ({v['impact']}) {v['help']} — {targets}")
    if width > 375:
        problems.append(f"{name}: {width}px wide at 375px")
    assert not problems, "\n".join(problems)

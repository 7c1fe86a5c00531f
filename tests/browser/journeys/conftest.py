"""Journeys: a person's whole task, step by step, in Chromium.

Each step is photographed into the screenshot directory (CI artefacts) and, with
GUIDE_SCREENSHOTS=1 (`make screenshots`), into docs/img/guide/ for the user guide.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.core.cache import cache

GUIDE_DIR = Path(__file__).resolve().parents[3] / "docs" / "img" / "guide"


class Steps:
    """Names and photographs the steps of one journey."""

    def __init__(self, journey: str, screenshot_dir: Path):
        self.journey = journey
        self.dir = screenshot_dir / "journeys"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.guide = os.environ.get("GUIDE_SCREENSHOTS") == "1"
        if self.guide:
            GUIDE_DIR.mkdir(parents=True, exist_ok=True)
        self.started = time.monotonic()
        self.taken: list[Path] = []

    def shot(self, page, name: str, *, full_page: bool = False, locator=None) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        filename = f"{self.journey}-{slug}.png"
        target = locator if locator is not None else page
        kwargs = {} if locator is not None else {"full_page": full_page}
        # Let htmx swaps and transitions settle so the picture shows what a person sees.
        settle(page)
        target.screenshot(path=self.dir / filename, **kwargs)
        self.taken.append(self.dir / filename)
        if self.guide:
            target.screenshot(path=GUIDE_DIR / filename, **kwargs)


@pytest.fixture
def steps(request, screenshot_dir):
    journey = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    return Steps(journey.replace("_", "-"), screenshot_dir)


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Rate limits and redaction's name lists live in the cache; each journey starts clean.
    from feedback import redaction

    cache.clear()
    redaction.clear_cache()
    yield
    cache.clear()
    redaction.clear_cache()


def log_in(page, username: str, password: str = "pass-word-123") -> None:  # noqa: S107
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/home/.*"))


def new_person(browser, live_server, *, phone: bool = False):
    """A fresh browser context: another person at another computer (or phone)."""
    if phone:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 375, "height": 740},
            is_mobile=True,
            has_touch=True,
        )
    else:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1200, "height": 900}
        )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def fits_375(page) -> None:
    """No sideways scrolling at 375 px (wide tables scroll inside their own wrapper)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 375:
        culprits = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 376)
                .slice(0, 6).map(e => e.tagName + '.' + e.className)"""
        )
        raise AssertionError(f"{page.url} is {width}px wide at 375px: {culprits}")


def settle(page) -> None:
    """Wait until htmx has finished and its 'Updating…' indicators have faded out."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        """() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')
              && [...document.querySelectorAll('.htmx-indicator')]
                   .every(e => getComputedStyle(e).opacity === '0')"""
    )


def accessible(page) -> None:
    """axe-core on the page as a person sees it once it has settled."""
    from tests.browser.a11y import assert_accessible

    settle(page)
    assert_accessible(page)

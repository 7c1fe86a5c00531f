"""The demo's world for browser tests that only read pages, built once per module.

`demo_world()` loads the demo (seed_demo) plus a meeting running now and the objects the
main pages need. `DemoSite` serves such a world, committed, from a live server of its
own and hands out a signed-in browser page per demo user and screen size, so that a
module of read-only tests (one per page, spread over the xdist workers) builds the world
and signs each user in once per worker instead of once per test. When the module is done
the database is emptied as after a transactional test. Its tests ask for `db`, for
pytest-django to set the test database up and let the server in; tests that change the
world use `live_server` and a world of their own.
"""

import datetime as dt
import os

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True}
DESK = {"viewport": {"width": 1200, "height": 900}}


def demo_world() -> dict:
    """seed_demo, plus a meeting running now (capture, guest link) and the objects each
    page needs (None where the demo has no such object)."""
    from actions.followup import guest_token
    from actions.models import Charter, FollowUp, Measure
    from customers.models import Organisation
    from feedback.selectors import guest_link_token
    from invitations.tokens import guest_page_token, rsvp_token
    from meetings.models import Booking, Meeting
    from tests.factories import BookingFactory, MeetingFactory

    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
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
    if follow_up is None:
        # The demo sends no "you said, we did": one for an earlier meeting, so that the
        # guest's pages exist and the held meeting above stays unsent (the compose page).
        follow_up = _published_follow_up(leader.filter(status__in=["held", "closed"]))
    told = follow_up.meeting.bookings.first() if follow_up else None
    return {
        "upcoming": upcoming,
        "held": held,
        "running": running,
        "organisation": Organisation.objects.order_by("name").first(),
        "rsvp": reverse("invitations:rsvp", args=[rsvp_token(booking)]),
        "guest_link": reverse("feedback:guest_comment", args=[guest_link_token(meeting=running)]),
        "charter": Charter.objects.order_by("pk").first(),
        "measure": Measure.objects.filter(charter__region__leaders__username="leader").first(),
        "follow_up": follow_up,
        "guest_page": (
            reverse("actions:guest_page", args=[guest_page_token(told)]) if told else None
        ),
        "follow_up_public": (
            reverse(
                "actions:follow_up_public", args=[guest_token(follow_up=follow_up, booking=told)]
            )
            if told
            else None
        ),
    }


def _published_follow_up(meetings):
    """The follow-up of the latest of `meetings` but one that has guests to tell, sent
    through the services as a leader sends it; None if there is no such meeting."""
    from actions.followup import recipients
    from actions.services.follow_up import follow_up_compose, follow_up_publish

    for meeting in meetings.order_by("-starts_at")[1:]:
        if recipients(meeting).exists() and meeting.feedback_items.exists():
            follow_up = follow_up_compose(
                meeting=meeting,
                by=meeting.owner,
                introduction="Thank you for joining our leadership meeting.",
                closing="With thanks, the leadership team.",
                feedback_items=meeting.feedback_items.all()[:3],
            )
            follow_up_publish(follow_up=follow_up, by=meeting.owner)
            follow_up.refresh_from_db()
            return follow_up
    return None


class DemoSite:
    """`demo_world()`, committed and served by a live server of its own (see above)."""

    def __init__(self, *, browser, django_db_blocker, address: str, users: set[str]):
        self.browser = browser
        self.blocker = django_db_blocker
        self.address = address
        self.users = users
        self.world: dict = {}
        self.server = None
        self._sessions: dict[str, str] = {}
        self._pages: dict = {}

    def __enter__(self) -> "DemoSite":
        from pytest_django.live_server_helper import LiveServer

        from config.celery import app
        from tests.suite import forget_cached_row_ids, suite_settings

        try:
            with self.blocker.unblock(), override_settings(**suite_settings()):
                app.conf.task_always_eager = True
                forget_cached_row_ids()
                self.world = demo_world()
                # Signed in now, committed: a test's rollback must not end a session that
                # the next test's page still uses (SQLite in memory shares its connection
                # with the live server). The login form itself: tests/browser/test_login.py.
                self._sessions = {user: session_key(user) for user in self.users}
            self.server = LiveServer(self.address)
            self.server._live_server_modified_settings.enable()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    @property
    def url(self) -> str:
        return self.server.url

    def page(self, user: str | None, *, phone: bool):
        """A page of `user`'s (None: a guest's) on a phone or a desk, the same one for
        every test of the module, as a person goes from page to page."""
        key = (user, phone)
        if key not in self._pages:
            context = self.browser.new_context(base_url=self.url, **(PHONE if phone else DESK))
            context.set_default_timeout(15_000)
            if user:
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": self._sessions[user],
                            "url": self.url,
                        }
                    ]
                )
            self._pages[key] = context.new_page()
        return self._pages[key]

    def __exit__(self, *exc) -> None:
        from tests.services import restore_migration_data

        for page in self._pages.values():
            page.context.close()
        self._pages.clear()
        if self.server is not None:
            self.server._live_server_modified_settings.disable()
            self.server.stop()
            self.server = None
        # What pytest-django and tests/conftest.py do after a transactional test.
        with self.blocker.unblock():
            call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
            restore_migration_data()


def session_key(username: str) -> str:
    """A new signed-in session of the demo user's."""
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value

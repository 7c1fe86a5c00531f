"""Each home answers "what needs me now" first, links to it, and stays cheap to build."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from dashboard.models import Theme, ThemeItem
from invitations.services import invitation_send
from meetings.models import Meeting
from meetings.services import meeting_transition
from tests import factories as f
from tests.dashboard.conftest import World

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC)


def now_card(html: str) -> str:
    start = html.index('id="now-heading"')
    return html[start : html.index("</section>", start)]


def busy_leader():
    me = f.leader(first_name="Lena")
    meeting = f.MeetingFactory(
        owner=me, title="Nordic panel", starts_at=NOW + dt.timedelta(days=3), agenda=True
    )
    for _ in range(3):
        f.BookingFactory(meeting=meeting)
    invitation_send(meeting=meeting, user=me)  # invited, not answered yet
    f.ActionFactory(owner=me, due_date=NOW.date() - dt.timedelta(days=2))
    f.OrganisationFactory(name="Never Met Ltd")
    return me, meeting


@time_machine.travel(NOW, tick=False)
def test_leader_home_answers_first_with_next_meeting_answers_overdue_and_not_met(
    client, django_assert_max_num_queries
):
    me, meeting = busy_leader()
    client.force_login(me)
    with django_assert_max_num_queries(16):
        html = client.get(reverse("home_leader")).content.decode()
    card = now_card(html)
    assert html.index('id="now-heading"') < html.index('id="home-meetings-heading"')
    assert "Next meeting: Nordic panel" in card
    assert reverse("meetings:detail", args=[meeting.pk]) in card
    assert re.search(r">3</span><span[^>]*>answers awaited from guests", card)
    assert re.search(r">1</span><span[^>]*>overdue action<", card)
    assert reverse("actions:overdue") in card
    assert "key customers not met for 6+ months" in card  # every guest organisation too
    # A long page gets in-page navigation to each of its sections.
    nav = html[html.index('class="page-toc"') :]
    for anchor in ("not-met-heading", "home-meetings-heading", "home-actions-heading"):
        assert f'href="#{anchor}"' in nav
        assert f'id="{anchor}"' in html
    # Below "what needs you now", each meeting is listed once, with its answers.
    below = html[html.index("</section>", html.index('id="now-heading"')) :]
    assert below.count("Nordic panel") == 1
    assert "3 guests, 0 accepted, 3 not answered" in below
    assert 'href="#home-meetings-heading"' in card  # the answers awaited lead to that list


@time_machine.travel(NOW, tick=False)
def test_a_meeting_under_way_is_listed_but_its_unanswered_guests_are_not_awaited(client):
    me = f.leader()
    running = f.MeetingFactory(
        owner=me,
        title="Panel under way",
        starts_at=NOW - dt.timedelta(hours=1),
        ends_at=NOW + dt.timedelta(hours=2),
        status=Meeting.Status.INVITED,
    )
    f.BookingFactory(meeting=running)
    client.force_login(me)
    html = client.get(reverse("home_leader")).content.decode()
    assert "Next meeting: Panel under way" in now_card(html)
    assert "awaited" not in now_card(html)
    assert "1 guest, 0 accepted, 1 not answered" in html


@time_machine.travel(NOW, tick=False)
def test_answers_are_awaited_only_from_guests_who_were_invited(client):
    me = f.leader()
    draft = f.MeetingFactory(owner=me, title="Draft panel", starts_at=NOW + dt.timedelta(days=2))
    for _ in range(2):
        f.BookingFactory(meeting=draft)  # booked, no invitation sent yet
    mailed = f.MeetingFactory(
        owner=me, title="Mailed panel", starts_at=NOW + dt.timedelta(days=5), agenda=True
    )
    for _ in range(3):
        f.BookingFactory(meeting=mailed)
    invitation_send(meeting=mailed, user=me)
    f.BookingFactory(meeting=mailed)  # booked after the invitations went out
    by_phone = f.MeetingFactory(
        owner=me, title="Phoned panel", starts_at=NOW + dt.timedelta(days=8), agenda=True
    )
    f.BookingFactory(meeting=by_phone)
    # "Mark invited (no mail sent)": the guests were invited another way.
    meeting_transition(meeting=by_phone, to=Meeting.Status.INVITED, by=me)
    client.force_login(me)
    html = client.get(reverse("home_leader")).content.decode()
    assert re.search(r">4</span><span[^>]*>answers awaited from guests", now_card(html))
    cards = html[html.index('id="home-meetings-heading"') :]
    assert "2 guests, 0 accepted, 0 not answered, 2 not invited yet" in cards
    assert "4 guests, 0 accepted, 3 not answered, 1 not invited yet" in cards
    assert "1 guest, 0 accepted, 1 not answered<" in cards


@time_machine.travel(NOW, tick=False)
def test_facilitator_home_starts_with_the_meeting_to_capture_today(
    client, django_assert_max_num_queries
):
    me = f.facilitator()
    today = f.MeetingFactory(
        facilitators=[me], starts_at=NOW - dt.timedelta(hours=1), title="Live panel"
    )
    later = f.MeetingFactory(
        facilitators=[me],
        starts_at=NOW + dt.timedelta(days=3),
        time_zone="Europe/Berlin",
        title="Berlin panel",
    )
    client.force_login(me)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("home_facilitator")).content.decode()
    card = now_card(html)
    assert "meeting to capture today" in card
    assert reverse("feedback:capture", args=[today.pk]) in card  # straight to the capture page
    assert "now-list__value--urgent" in card  # it is running
    assert "Next meeting: Berlin panel" in card  # the one after today's
    assert "Thu 10 Dec, 12:00" in card  # in the meeting's own time zone
    # Below "what needs you now", one card lists each meeting once: today's to capture
    # first, then the next ones, each with its preparation (the meeting) and capture page.
    below = html[html.index("</section>", html.index('id="now-heading"')) :]
    assert below.count("Live panel") == 1
    assert below.count("Berlin panel") == 1
    assert below.index("Live panel") < below.index("Berlin panel")
    assert "Thu 10 Dec 2026, 12:00–15:00 (Europe/Berlin)" in below
    for meeting in (today, later):
        assert reverse("meetings:detail", args=[meeting.pk]) in below
        assert reverse("feedback:capture", args=[meeting.pk]) in below


@time_machine.travel(NOW, tick=False)
def test_an_empty_home_says_what_to_do_next(client):
    me = f.facilitator()
    client.force_login(me)
    html = client.get(reverse("home_facilitator")).content.decode()
    assert "Nothing needs you right now." in now_card(html)
    assert "When a leader makes you facilitator of a meeting, it appears here." in html
    assert 'class="page-toc"' not in html or "#next-heading" in html


@time_machine.travel(NOW, tick=False)
def test_executive_home_counts_overdue_actions_and_new_themes(
    client, django_assert_max_num_queries
):
    world = World()

    old, new = (
        Theme.objects.create(key=f"t:{n}", name=n, origin="suggested", size=9)
        for n in ("Invoices", "Portal outages")
    )
    for month, theme in ((dt.date(2026, 3, 1), old), (dt.date(2026, 11, 1), new)):
        meeting = world.meeting(organisations=3, month=month)
        for item in world.feedback(meeting, 3):
            ThemeItem.objects.create(theme=theme, item=item)
    lonely = world.meeting(organisations=1, month=dt.date(2026, 12, 1))
    small = Theme.objects.create(key="t:small", name="Tiny new theme", origin="suggested")
    ThemeItem.objects.create(theme=small, item=world.feedback(lonely)[0])
    world.refresh()
    f.ActionFactory(due_date=NOW.date() - dt.timedelta(days=1))
    client.force_login(f.executive())
    with django_assert_max_num_queries(14):
        html = client.get(reverse("home_executive")).content.decode()
    card = now_card(html)
    assert re.search(r">1</span><span[^>]*>overdue action<", card)
    assert re.search(r">1</span><span[^>]*>new theme in the last two months", card)
    themes = html[html.index('id="home-new-themes"') :]
    assert "Portal outages" in themes
    assert "Invoices" not in themes.split("</ul>")[0]
    assert "Tiny new theme" not in html  # one organisation: suppressed like the dashboard


@time_machine.travel(NOW, tick=False)
def test_a_hidden_earlier_month_does_not_tell_that_a_theme_is_old(client):
    """A theme heard from one organisation in September (hidden everywhere), from three in
    November, is "new": counting September would tell that someone spoke of it then."""
    world = World()
    theme = Theme.objects.create(key="t:portal", name="Portal outages", origin="suggested")
    for month, organisations in ((dt.date(2026, 9, 1), 1), (dt.date(2026, 11, 1), 3)):
        meeting = world.meeting(organisations=organisations, month=month)
        for item in world.feedback(meeting, 3):
            ThemeItem.objects.create(theme=theme, item=item)
    world.refresh()
    client.force_login(f.executive())
    html = client.get(reverse("home_executive")).content.decode()
    assert "Portal outages" in html[html.index('id="home-new-themes"') :].split("</ul>")[0]


def test_administrator_home_points_to_people_without_a_role(client, django_assert_max_num_queries):
    f.UserFactory(username="newcomer")
    client.force_login(f.administrator())
    with django_assert_max_num_queries(10):
        html = client.get(reverse("home_administrator")).content.decode()
    card = now_card(html)
    assert "without a role" in card
    assert reverse("admin:accounts_user_changelist") + "?groups__isnull=True" in card


# 13:30 in London on 7 December is 02:30 on 8 December in Auckland and 05:30 on
# 7 December in Los Angeles.
LATE = dt.datetime(2026, 12, 7, 13, 30, tzinfo=dt.UTC)


@time_machine.travel(LATE, tick=False)
def test_a_facilitators_today_is_each_meetings_own_day_where_it_is_held(client):
    me = f.facilitator()
    # 09:00 on 8 December in Auckland: already today there, tomorrow by the server's clock.
    auckland = f.MeetingFactory(
        facilitators=[me],
        starts_at=dt.datetime(2026, 12, 7, 20, 0, tzinfo=dt.UTC),
        time_zone="Pacific/Auckland",
        title="Auckland panel",
    )
    # Ended at 01:00 on 7 December in Los Angeles: still today there, for late capture.
    los_angeles = f.MeetingFactory(
        facilitators=[me],
        starts_at=dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC),
        time_zone="America/Los_Angeles",
        title="Los Angeles panel",
    )
    # Ended at 23:00 on 7 December in Auckland, yesterday there now: gone from the home.
    f.MeetingFactory(
        facilitators=[me],
        starts_at=dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC),
        time_zone="Pacific/Auckland",
        title="Yesterday in Auckland",
    )
    # 09:00 on 8 December in London: tomorrow there, so upcoming.
    f.MeetingFactory(
        facilitators=[me],
        starts_at=dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC),
        time_zone="Europe/London",
        title="London panel",
    )
    client.force_login(me)
    html = client.get(reverse("home_facilitator")).content.decode()
    card = now_card(html)
    assert re.search(r">2</span><span[^>]*>meetings to capture today<", card), card
    below = html[html.index("</section>", html.index('id="now-heading"')) :]
    upcoming = below.index("Upcoming")
    for meeting in (auckland, los_angeles):
        assert below.index(meeting.title) < upcoming, meeting.title
    assert below.index("London panel") > upcoming
    assert "Yesterday in Auckland" not in html

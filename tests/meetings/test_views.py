import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Booking,
    Meeting,
    MeetingQuestion,
    PrepItem,
    Question,
    Section,
)
from meetings.signals import meeting_changed
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    ContactFactory,
    FacetFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    administrator,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db


def meeting_data(region, **overrides):
    data = {
        "title": "December leadership meeting",
        "type": "leadership",
        "region": region.pk,
        "country": "GB",
        "starts_at": "2030-12-03T10:00",
        "ends_at": "2030-12-03T13:00",
        "time_zone": "Europe/Paris",
        "place": "Head office",
        "objectives": "Hear our customers.",
    }
    data.update(overrides)
    return data


def test_leader_creates_a_meeting_in_its_own_time_zone(client):
    owner = leader()
    region = RegionFactory()
    client.force_login(owner)
    response = client.post(reverse("meetings:create"), meeting_data(region))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.owner == owner
    assert meeting.starts_at == dt.datetime(2030, 12, 3, 9, 0, tzinfo=dt.UTC)  # 10:00 Paris
    assert meeting.agenda_items.first().section == Section.CUSTOMER
    page = client.get(response.url).content.decode()
    assert "10:00–13:00 (Europe/Paris)" in page


def test_the_countries_are_named_in_the_readers_language(client):
    client.force_login(leader())
    german = client.get(reverse("meetings:create"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = client.get(reverse("meetings:create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="GB">Vereinigtes Königreich</option>' in german
    assert '<option value="GB">United Kingdom</option>' in english


def test_end_before_start_is_explained_and_nothing_is_saved(client):
    client.force_login(leader())
    region = RegionFactory()
    response = client.post(
        reverse("meetings:create"), meeting_data(region, ends_at="2030-12-03T09:00")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The meeting must end after it starts." in html
    assert 'value="December leadership meeting"' in html  # the input is kept
    assert not Meeting.objects.exists()


def test_unknown_time_zone_is_explained_and_nothing_is_saved(client):
    client.force_login(leader())
    region = RegionFactory()
    response = client.post(
        reverse("meetings:create"), meeting_data(region, time_zone="Mars/Olympus_Mons")
    )
    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()
    assert not Meeting.objects.exists()


def test_country_outside_the_region_is_explained(client):
    client.force_login(leader())
    region = RegionFactory(countries=["FR"])
    response = client.post(reverse("meetings:create"), meeting_data(region, country="DE"))
    assert "choose one of them" in response.content.decode()
    assert not Meeting.objects.exists()


def test_editing_a_meeting_announces_what_changed_and_by_whom(client):
    # Meetings owns no mail: it tells whoever listens (invitations sends the update and
    # raises the calendar sequence; see tests/invitations/test_meeting_changes.py).
    meeting = MeetingFactory(status=Meeting.Status.INVITED, title="December leadership meeting")
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    meeting_changed.connect(listener)
    try:
        client.force_login(meeting.owner)
        response = client.post(
            reverse("meetings:edit", args=[meeting.pk]),
            meeting_data(meeting.region, title=meeting.title, time_zone="Europe/Paris"),
        )
    finally:
        meeting_changed.disconnect(listener)
    assert response.status_code == 302
    assert len(heard) == 1
    assert {"starts_at", "time_zone", "place"} <= heard[0]["changed"]
    assert "title" not in heard[0]["changed"]
    assert heard[0]["by"] == meeting.owner
    assert heard[0]["meeting"].time_zone == "Europe/Paris"
    meeting.refresh_from_db()
    assert meeting.ics_sequence == 0  # no guest holds an invitation from Open Chair


def agenda(meeting, n=3):
    sections = [Section.CUSTOMER, Section.SALES, Section.FINANCE]
    return [
        AgendaItemFactory(meeting=meeting, section=sections[i % 3], title=f"Item {i}", position=i)
        for i in range(n)
    ]


def test_reorder_post_with_foreign_item_is_refused_with_a_message(client):
    meeting = MeetingFactory()
    items = agenda(meeting)
    foreign = AgendaItemFactory(meeting=MeetingFactory())
    client.force_login(meeting.owner)
    response = client.post(
        reverse("meetings:agenda_reorder", args=[meeting.pk]),
        {"order": [items[0].pk, items[1].pk, foreign.pk], "version": 0},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "does not match this meeting" in html
    assert [i.pk for i in meeting.agenda_items.order_by("position")] == [i.pk for i in items]


def test_stale_reorder_via_http_is_refused_and_shows_the_current_order(client):
    meeting = MeetingFactory()
    items = agenda(meeting)
    client.force_login(meeting.owner)
    url = reverse("meetings:agenda_move", args=[meeting.pk])
    client.post(url, {"move": f"{items[2].pk}:up", "version": 0})
    response = client.post(
        reverse("meetings:agenda_reorder", args=[meeting.pk]),
        {"order": [items[0].pk, items[1].pk, items[2].pk], "version": 0},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Someone else changed this agenda" in page
    assert list(meeting.agenda_items.order_by("position").values_list("pk", flat=True)) == [
        items[0].pk,
        items[2].pk,
        items[1].pk,
    ]


def test_move_button_refuses_to_put_finance_above_customers(client):
    meeting = MeetingFactory()
    items = agenda(meeting, 2)
    client.force_login(meeting.owner)
    response = client.post(
        reverse("meetings:agenda_move", args=[meeting.pk]),
        {"move": f"{items[1].pk}:up", "version": 0},
        headers={"HX-Request": "true"},
    )
    assert "customer block stays first" in response.content.decode()
    assert meeting.agenda_items.order_by("position").first() == items[0]


def test_put_customers_first_button(client):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, section=Section.FINANCE, title="Money", position=0)
    AgendaItemFactory(meeting=meeting, section=Section.CUSTOMER, title="Voice", position=1)
    client.force_login(meeting.owner)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Put customers first" in page
    client.post(reverse("meetings:customer_first", args=[meeting.pk]))
    assert meeting.agenda_items.order_by("position").first().title == "Voice"


def test_adding_an_item_with_bad_minutes_is_explained(client):
    meeting = MeetingFactory()
    client.force_login(meeting.owner)
    response = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"section": "customer", "title": "Long", "minutes": "0"},
    )
    assert "between 1 and 600 minutes" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_agenda_total_over_meeting_length_warns_on_the_page(client):
    meeting = MeetingFactory()  # three hours
    AgendaItemFactory(meeting=meeting, minutes=200)
    client.force_login(meeting.owner)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "runs 20 min longer than the meeting" in page


def test_meeting_page_query_count_is_constant(client, django_assert_max_num_queries):
    region = RegionFactory()
    meeting = MeetingFactory(region=region, type=Meeting.Type.PANEL)
    client.force_login(meeting.owner)

    def grow(n):
        for i in range(n):
            AgendaItemFactory(meeting=meeting, section=Section.SALES)
            org = OrganisationFactory(region=region, facets=[FacetFactory(name=f"F{i % 3}")])
            BookingFactory(meeting=meeting, contact=ContactFactory(organisation=org))
            PrepItem.objects.create(meeting=meeting, text=f"Step {i}")

    grow(2)
    client.get(reverse("meetings:detail", args=[meeting.pk]))  # warm caches
    # Other apps add panels (invitations, feedback, actions); together they stay small.
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("meetings:detail", args=[meeting.pk]))
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.content.decode().count('class="guest"') == 32


def test_guests_page_shows_warnings_before_saving(client):
    region = RegionFactory()
    meeting = MeetingFactory(region=region, type=Meeting.Type.PANEL)
    a = ContactFactory(organisation=OrganisationFactory(region=region), name="Alice A")
    client.force_login(meeting.owner)
    url = reverse("meetings:guests", args=[meeting.pk])
    response = client.post(url, {"contacts": [a.pk]})
    html = response.content.decode()
    assert "Check before you book" in html
    assert "3–4 customer organisations" in html
    assert not Booking.objects.exists()
    response = client.post(url, {"contacts": [a.pk], "confirm": "1"})
    assert response.status_code == 302
    assert Booking.objects.filter(contact=a).exists()
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "3–4 customer organisations" in page  # still shown on the meeting page
    assert "RSVP: Not answered" in page


def test_guests_page_lists_the_meetings_region_by_default(client):
    region = RegionFactory()
    meeting = MeetingFactory(region=region)
    ContactFactory(organisation=OrganisationFactory(region=region), name="Near Contact")
    far = ContactFactory(name="Far Contact")
    far.organisation.region.leaders.add(meeting.owner)
    ContactFactory(name="Stranger Contact")  # a region the owner does not lead
    client.force_login(meeting.owner)
    url = reverse("meetings:guests", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert "Near Contact" in html
    assert "Far Contact" not in html
    html = client.get(url, {"all_regions": "1"}).content.decode()
    assert "Far Contact" in html
    assert "Stranger Contact" not in html


def test_guests_of_another_leaders_meeting_are_not_named_to_a_leader(client):
    meeting = MeetingFactory()
    BookingFactory(meeting=meeting, contact=ContactFactory(name="Ann Lee"))
    client.force_login(leader())
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Ann Lee" not in html
    assert "A guest" in html
    client.force_login(meeting.owner)
    assert "Ann Lee" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()


def test_removing_a_guest_from_another_meetings_link_changes_nothing(client):
    meeting = MeetingFactory()
    other = BookingFactory()
    client.force_login(meeting.owner)
    response = client.post(
        reverse("meetings:guest_remove", args=[meeting.pk]), {"booking": other.pk}, follow=True
    )
    assert "not booked in this meeting" in response.content.decode()
    assert Booking.objects.filter(pk=other.pk).exists()


def test_attendance_marked_on_the_meeting_page(client):
    start = timezone.now() - dt.timedelta(days=1)
    fac = facilitator()
    meeting = MeetingFactory(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), status="held", facilitators=[fac]
    )
    booking = BookingFactory(meeting=meeting)
    client.force_login(fac)
    client.post(
        reverse("meetings:attendance", args=[meeting.pk]), {f"attended-{booking.pk}": "yes"}
    )
    booking.refresh_from_db()
    assert booking.attended is True


def test_facilitator_ticks_prep_and_picks_questions(client):
    fac = facilitator()
    meeting = MeetingFactory(facilitators=[fac])
    step = PrepItem.objects.create(meeting=meeting, text="Tell staff we are serious")
    client.force_login(fac)
    client.post(reverse("meetings:prep_toggle", args=[meeting.pk]), {"item": step.pk, "done": "1"})
    step.refresh_from_db()
    assert step.is_done
    assert step.done_by == fac
    first, second = Question.objects.all()[:2]
    url = reverse("meetings:questions", args=[meeting.pk])
    client.post(url, {"action": "add", "question": first.pk})
    client.post(url, {"action": "add", "question": second.pk})
    chosen_second = MeetingQuestion.objects.get(meeting=meeting, question=second)
    client.post(url, {"action": "up", "chosen": chosen_second.pk})
    order = list(meeting.questions.order_by("position").values_list("question_id", flat=True))
    assert order == [second.pk, first.pk]
    brief = client.get(reverse("meetings:prep_brief", args=[meeting.pk])).content.decode()
    assert brief.index(second.text) < brief.index(first.text)


def test_printable_agenda_uses_the_reusable_include(client):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Voice of the customer")
    client.force_login(meeting.owner)
    html = client.get(reverse("meetings:agenda_print", args=[meeting.pk])).content.decode()
    assert "agenda-table" in html
    assert "Voice of the customer" in html
    assert "print.css" in html


def test_rhythm_flags_months_without_a_customer_guest(client):
    region = RegionFactory(countries=["FR", "DE"])
    now = timezone.now()
    with_guest = MeetingFactory(
        region=region, country="FR", starts_at=now, ends_at=now + dt.timedelta(hours=1)
    )
    BookingFactory(meeting=with_guest)
    MeetingFactory(region=region, country="DE", starts_at=now, ends_at=now + dt.timedelta(hours=1))
    client.force_login(leader())
    response = client.get(reverse("meetings:rhythm"))
    rows = {row.country.code: row for row in response.context["rows"]}
    month = timezone.localdate()
    index = [m.month for m in response.context["months"]].index(month.month)
    assert rows["FR"].cells[index].has_customer_guest is True
    assert rows["DE"].cells[index].has_customer_guest is False  # a meeting, but no guest
    assert "No customer guest" in response.content.decode()


def test_home_shows_the_leaders_next_meetings(client):
    meeting = MeetingFactory(title="Owned meeting")
    MeetingFactory(title="Not mine")
    client.force_login(meeting.owner)
    html = client.get(reverse("home_leader")).content.decode()
    assert "Owned meeting" in html
    assert "Not mine" not in html


def test_list_shows_upcoming_meetings(client):
    MeetingFactory(title="Next month")
    client.force_login(leader())
    assert "Next month" in client.get(reverse("meetings:list")).content.decode()


def test_other_apps_panels_appear_on_the_meeting_page(client, monkeypatch, tmp_path, settings):
    from meetings import panels

    template_dir = tmp_path / "templates"
    (template_dir / "fake").mkdir(parents=True)
    (template_dir / "fake" / "panel.html").write_text(
        '<section class="card"><h2>{{ panel.heading }}</h2>{{ meeting.title }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}
    ]

    def provider(*, meeting, user):
        return [{"template": "fake/panel.html", "heading": f"Outbox for {user.username}"}]

    monkeypatch.setattr(panels, "_providers", lambda: (provider,))
    meeting = MeetingFactory(title="Panel host")
    client.force_login(meeting.owner)
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f"Outbox for {meeting.owner.username}" in html


def test_administrators_edit_templates_and_the_question_bank(admin_client):
    assert admin_client.get(reverse("admin:meetings_question_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:meetings_agendatemplate_changelist")).status_code == 200
    assert Question.objects.filter(text="How customer-focused are we?").exists()


def test_administrator_creates_a_meeting_for_a_leader(client):
    admin_user, owner = administrator(), leader()
    region = RegionFactory()
    client.force_login(admin_user)
    response = client.post(reverse("meetings:create"), {**meeting_data(region), "owner": owner.pk})
    assert response.status_code == 302
    assert Meeting.objects.get().owner == owner


def test_guest_preview_lists_warnings_without_booking(client):
    region = RegionFactory()
    meeting = MeetingFactory(region=region)
    org = OrganisationFactory(region=region)
    a, b = ContactFactory(organisation=org), ContactFactory(organisation=org)
    client.force_login(meeting.owner)
    response = client.post(
        reverse("meetings:guests_preview", args=[meeting.pk]),
        {"contacts": [a.pk, b.pk]},
        headers={"HX-Request": "true"},
    )
    assert "2 guests from" in response.content.decode()
    assert not Booking.objects.exists()


def test_meeting_list_is_paginated(client):
    owner = leader()
    for _ in range(55):
        MeetingFactory(owner=owner)
    client.force_login(owner)
    response = client.get(reverse("meetings:list"))
    assert len(response.context["meetings"]) == 50
    assert "Page 1 of 2" in response.content.decode()


def test_guests_page_lists_customers_never_met_before_those_met_recently(client):
    region = RegionFactory()
    meeting = MeetingFactory(region=region)
    met = ContactFactory(
        organisation=OrganisationFactory(region=region, name="Met Recently"), name="Mia Met"
    )
    ContactFactory(
        organisation=OrganisationFactory(region=region, name="Never Met"), name="Nia New"
    )
    start = timezone.now() - dt.timedelta(days=20)
    held = MeetingFactory(
        region=region, status="closed", starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    BookingFactory(meeting=held, contact=met, attended=True)
    client.force_login(meeting.owner)
    html = client.get(reverse("meetings:guests", args=[meeting.pk])).content.decode()
    assert html.index("Nia New") < html.index("Mia Met")
    assert "never met" in html
    assert f"last met {timezone.localtime(start):%-d %b %Y}" in html


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("agenda_reorder", {"order": ["x", "", "9999999"], "version": "nope"}),
        ("agenda_move", {"move": "x:sideways", "version": ""}),
        ("agenda_move", {"move": "", "version": "0"}),
        ("agenda_delete", {"item": "x"}),
        ("agenda_add", {"section": "nonsense", "title": "", "minutes": "many"}),
        ("guests", {"contacts": ["x", "-1", "99999999"]}),
        ("guests_preview", {"contacts": ["x"]}),
        ("guest_remove", {"booking": "x"}),
        ("attendance", {"attended-x": "maybe"}),
        ("transition", {"to": "exploded"}),
        ("rate", {"kind": "party", "reason": ""}),
        ("prep_toggle", {"item": "x", "done": "1"}),
        ("prep_add", {"text": "   "}),
        ("questions", {"action": "add", "question": "x"}),
        ("questions", {"action": "explode"}),
        ("edit", {"title": "", "starts_at": "tomorrow", "time_zone": "Nowhere/Else"}),
    ],
)
def test_garbage_input_gets_a_page_not_a_server_error(client, name, data):
    meeting = MeetingFactory(status=Meeting.Status.HELD)
    meeting.facilitators.add(facilitator())
    client.force_login(__import__("tests.factories", fromlist=["administrator"]).administrator())
    before = list(meeting.agenda_items.values_list("pk", "position"))
    response = client.post(reverse(f"meetings:{name}", args=[meeting.pk]), data, follow=True)
    assert response.status_code in (200, 400, 409)
    assert list(meeting.agenda_items.values_list("pk", "position")) == before


def test_facilitator_home_shows_the_meetings_they_facilitate(client):
    fac = facilitator()
    MeetingFactory(title="Facilitated by me", facilitators=[fac])
    MeetingFactory(title="Someone else facilitates")
    client.force_login(fac)
    html = client.get(reverse("home_facilitator")).content.decode()
    assert "Meetings you facilitate" in html
    assert "Facilitated by me" in html
    assert "Someone else facilitates" not in html


def test_draft_page_says_what_is_missing_before_inviting(client):
    meeting = MeetingFactory(place="", objectives="")
    client.force_login(meeting.owner)
    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert (
        "Before inviting: book at least one guest; add a place or a video link and the "
        "objectives and an agenda." in html
    )


def test_rhythm_counts_a_meeting_in_the_month_of_its_own_calendar():
    """Not the server's: 07:00 on 1 April in Tokyo is still March in London, and
    21:00 on 31 March in New York is already April there."""
    from zoneinfo import ZoneInfo

    from meetings.selectors import rhythm, rhythm_months

    region = RegionFactory(countries=["JP", "US"])
    tokyo = MeetingFactory(
        region=region,
        country="JP",
        time_zone="Asia/Tokyo",
        starts_at=dt.datetime(2027, 4, 1, 7, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        ends_at=dt.datetime(2027, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
    )
    new_york = MeetingFactory(
        region=region,
        country="US",
        time_zone="America/New_York",
        starts_at=dt.datetime(2027, 3, 31, 21, 0, tzinfo=ZoneInfo("America/New_York")),
        ends_at=dt.datetime(2027, 3, 31, 22, 0, tzinfo=ZoneInfo("America/New_York")),
    )
    rows = {
        row.country.code: [cell.meetings for cell in row.cells]
        for row in rhythm(months=rhythm_months(start=dt.date(2027, 3, 1), count=2), user=leader())
    }
    assert rows["JP"] == [[], [tokyo]]
    assert rows["US"] == [[new_york], []]


def test_leader_home_gives_each_meeting_its_own_time_zone(client, settings):
    from zoneinfo import ZoneInfo

    settings.TIME_ZONE = "Europe/London"
    start = dt.datetime(2031, 5, 6, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    meeting = MeetingFactory(
        time_zone="America/New_York", starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    client.force_login(meeting.owner)
    html = client.get(reverse("home_leader")).content.decode()
    assert "Tue 6 May 2031, 09:30–11:30 (America/New_York)" in html
    assert "14:30 BST" not in html  # the server's zone is nobody's


@pytest.mark.parametrize(
    ("country", "region_zone", "expected"),
    [
        ("GB", "Europe/Berlin", "Europe/London"),  # the country's one zone wins
        ("US", "America/Chicago", "America/Chicago"),  # the region's, one of the country's
        ("US", "Europe/London", "America/New_York"),  # else the country's main zone
    ],
)
def test_a_meeting_saved_without_a_zone_takes_its_countrys(client, country, region_zone, expected):
    client.force_login(leader())
    region = RegionFactory(countries=[], time_zone=region_zone)
    response = client.post(
        reverse("meetings:create"), meeting_data(region, country=country, time_zone="")
    )
    assert response.status_code == 302
    assert Meeting.objects.get().time_zone == expected


def test_the_new_meeting_form_starts_on_the_countrys_zone_and_names_it(client):
    owner = leader()
    region = RegionFactory(countries=["GB"], time_zone="Europe/Berlin")
    region.leaders.add(owner)
    client.force_login(owner)
    page = client.get(reverse("meetings:create")).content.decode()
    assert 'value="Europe/London"' in page
    assert page.count("Local time in <strong data-zone-hint>Europe/London</strong>") == 2


def test_no_agenda_start_empty_starts_with_no_agenda(client):
    client.force_login(leader())
    region = RegionFactory()
    response = client.post(reverse("meetings:create"), meeting_data(region, template=""))
    assert response.status_code == 302
    assert not Meeting.objects.get().agenda_items.exists()


def test_an_impossible_person_or_region_id_is_a_message_not_a_500(client):
    client.force_login(leader())
    region = RegionFactory()
    for field, value in (
        ("co_owners", "9" * 30),
        ("facilitators", "9" * 30),
        ("region", "9" * 30),
        ("internal_attendees", "²"),  # a digit to str.isdigit, not to int()
    ):
        data = meeting_data(region)
        data[field] = value
        response = client.post(reverse("meetings:create"), data)
        assert response.status_code == 200, field
    assert not Meeting.objects.exists()

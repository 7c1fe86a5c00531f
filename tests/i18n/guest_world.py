"""Every page and mail a guest can meet, rendered for one guest language.

`guest_surfaces(client, language)` builds a small world whose guest reads `language`
(their contact's language and their meeting's country both say so) and returns each
surface's visible text, keyed by a name a reader recognises. Every value a leader or a
customer typed (names, titles, places, feedback) is listed in `DATA`, so that a test can
tell the product's words from the data's.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from actions import services as action_services
from feedback.selectors import guest_link_token
from invitations.services import invitation_for
from invitations.tokens import answer_version, rsvp_token
from meetings.models import Booking, Meeting, Section
from outbox.mail import message_bodies, opt_out_token
from outbox.models import OutboxMail
from outbox.renderers import get_renderer
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    BookingFactory,
    ContactFactory,
    FeedbackItemFactory,
    MeetingFactory,
    OrganisationFactory,
    leader,
)
from tests.i18n.guest_world_after import after_follow_up_surfaces

LANGUAGES = ("en-gb", "de", "fr", "es")
CONTACT_LANGUAGE = {"en-gb": "en", "de": "de", "fr": "fr", "es": "es"}
COUNTRY = {"en-gb": "GB", "de": "DE", "fr": "FR", "es": "ES"}
# Another language for the browser, to show that the guest's language wins over it.
BROWSER = {"en-gb": "de", "de": "fr", "fr": "es", "es": "en"}

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)

# What leaders and customers typed: never the product's words.
DATA = [
    "Liesel Brandauer",
    "Ilse Varga",
    "Quarzwerk Holding",
    "Nordlicht Kazimierz",
    "Kontorhaus Mitte",
    "Zielbild Nordlicht",
    "Kundenstimme Zeitplan",
    "Lieferkette Zahllauf",
    "Rechnungen kommen verspätet",
    "Zahllauf prüfen",
    "Eskalation Kazimierz",
    "Vorlage Quarz",
    "Grußwort Nordlicht",
    "Abschluss Nordlicht",
    "Holding bis",
    "Absage Kazimierz",
    "Kommentar Zeitplan",
    # The meeting's and the guest's time zones, by their IANA names and abbreviations.
    "Europe London America New York GMT BST EST EDT",
]


def words_of(text: str) -> set[str]:
    """Its words, lower-cased ("E-Mail" and "l’heure" are one word each)."""
    return {w.lower() for w in re.findall(r"[^\W\d_](?:[^\W\d_]|[’'-](?=[^\W\d_]))+", text)}


def data_words() -> set[str]:
    return set().union(*(words_of(d) for d in DATA))


def visible_text(markup: str) -> str:
    """The words a reader sees (and hears: labels and alt texts), without tags or URLs."""
    markup = re.sub(r"(?s)<(script|style|title)\b.*?</\1>", " ", markup)
    attributes = " ".join(
        re.findall(r'(?:aria-label|alt|placeholder|title)="([^"]*)"', markup, flags=re.I)
    )
    text = re.sub(r"(?s)<[^>]+>", " ", markup) + " " + attributes
    return strip_urls(html.unescape(text))


def strip_urls(text: str) -> str:
    return re.sub(r"(https?://|mailto:)\S+|\S+@\S+\.\S+", " ", text)


def ics_description(ics: bytes) -> str:
    unfolded = ics.decode().replace("\r\n ", "")
    [line] = [x for x in unfolded.splitlines() if x.startswith("DESCRIPTION")]
    text = line.split(":", 1)[1]
    return text.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")


def _world(language: str):
    owner = leader(first_name="Ilse", last_name="Varga")
    organisation = OrganisationFactory(name=f"Quarzwerk Holding {language}")
    contact = ContactFactory(
        name="Liesel Brandauer",
        organisation=organisation,
        language=CONTACT_LANGUAGE[language],
        time_zone="America/New_York",
    )
    start = dt.datetime(2027, 3, 20, 10, 0, tzinfo=LONDON)
    meeting = MeetingFactory(
        title="Nordlicht Kazimierz",
        owner=owner,
        country=COUNTRY[language],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="Kontorhaus Mitte",
        video_link="https://video.example/nordlicht",
        objectives="Zielbild Nordlicht",
        status=Meeting.Status.INVITED,
    )
    for position, (section, title) in enumerate(
        [(Section.CUSTOMER, "Kundenstimme Zeitplan"), (Section.FINANCE, "Lieferkette Zahllauf")]
    ):
        AgendaItemFactory(meeting=meeting, section=section, title=title, position=position)
    invitation = invitation_for(meeting)
    invitation.personal_message = "Grußwort Nordlicht"
    invitation.cancellation_message = "Absage Kazimierz"
    invitation.save()
    booking = BookingFactory(meeting=meeting, contact=contact)
    return owner, contact, meeting, booking


def _mails(booking: Booking) -> dict[str, str]:
    out = {}

    def render(name, renderer, **args):
        mail = get_renderer(renderer)(mail=None, booking=booking.pk, **args)
        out[f"{name} mail: subject"] = mail.subject
        out[f"{name} mail: text"] = strip_urls(mail.text_body)
        out[f"{name} mail: HTML"] = visible_text(mail.html_body)
        for filename, content, _mimetype in mail.attachments:
            out[f"{name} mail: {filename} description"] = strip_urls(ics_description(content))

    render("invitation", "invitations.invitation")
    render("update", "invitations.update", sequence=1)
    render("reminder (7 days)", "invitations.reminder", days=7)
    render("reminder (tomorrow)", "invitations.reminder", days=1)
    render("nudge", "invitations.reminder")
    render("cancellation", "invitations.cancellation")
    Booking.objects.filter(pk=booking.pk).update(rsvp=Booking.Rsvp.ACCEPTED)
    render("invitation, answered", "invitations.invitation")
    render("thank-you", "invitations.thank_you")
    Booking.objects.filter(pk=booking.pk).update(rsvp=Booking.Rsvp.PENDING)
    footer = OutboxMail(
        kind=OutboxMail.Kind.REMINDER,
        recipient=booking.contact.email,
        meeting=booking.meeting,
        text_body="",
        html_body="<p></p>",
    )
    text, markup = message_bodies(footer)
    out["opt-out line of a reminder: text"] = strip_urls(text)
    out["opt-out line of a reminder: HTML"] = visible_text(markup)
    return out


def _rsvp_pages(client, booking: Booking, language: str) -> dict[str, str]:
    browser = {"HTTP_ACCEPT_LANGUAGE": BROWSER[language]}
    url = reverse("invitations:rsvp", args=[rsvp_token(booking)])
    out = {}

    def page(name, response, status=200):
        assert response.status_code == status, (name, response.status_code)
        assert response["Content-Language"] == language, name
        out[f"{name} page"] = visible_text(response.content.decode())

    page("RSVP", client.get(url + "?answer=accept", **browser))
    page(
        "RSVP, acceptance without the Chatham House acknowledgement",
        client.post(url, {"answer": "accepted", "version": answer_version(booking)}, **browser),
    )
    page(
        "RSVP, no answer chosen",
        client.post(url, {"version": answer_version(booking)}, **browser),
    )
    page(
        "RSVP, accepted",
        client.post(
            url,
            {
                "answer": "accepted",
                "chatham_acknowledged": "on",
                "version": answer_version(booking),
            },
            **browser,
        ),
    )
    page("RSVP, answered earlier", client.get(url, **browser))
    page(
        "RSVP, sent twice",
        client.post(url, {"answer": "declined", "version": "stale"}, **browser),
    )
    with time_machine.travel(booking.meeting.starts_at + dt.timedelta(minutes=5)):
        page("RSVP, meeting started", client.get(url, **browser))
    with time_machine.travel(booking.meeting.ends_at + dt.timedelta(days=1)):
        page("RSVP, meeting over", client.get(url, **browser), status=410)
    Meeting.objects.filter(pk=booking.meeting_id).update(status=Meeting.Status.CANCELLED)
    page("RSVP, meeting cancelled", client.get(url, **browser), status=410)
    Meeting.objects.filter(pk=booking.meeting_id).update(status=Meeting.Status.INVITED)
    return out


def _guest_comment_pages(client, meeting: Meeting, language: str) -> dict[str, str]:
    browser = {"HTTP_ACCEPT_LANGUAGE": BROWSER[language]}
    url = reverse("feedback:guest_comment", args=[guest_link_token(meeting=meeting)])
    out = {}

    def page(name, response, status=200):
        assert response.status_code == status, (name, response.status_code)
        assert response["Content-Language"] == language, name
        out[f"{name} page"] = visible_text(response.content.decode())

    page("guest comment, before the meeting", client.get(url, **browser), status=410)
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=20)):
        page("guest comment", client.get(url, **browser))
        key = "6f1c2f53-5d0f-4b39-9c89-a1b0e5f4a001"
        page(
            "guest comment, empty",
            client.post(url, {"kind": "idea", "text": "", "idempotency_key": key}, **browser),
            status=400,
        )
        page(
            "guest comment, sent",
            client.post(
                url,
                {"kind": "idea", "text": "Kommentar Zeitplan", "idempotency_key": key},
                **browser,
            ),
        )
    return out


def _opt_out_pages(client, contact, language: str) -> dict[str, str]:
    browser = {"HTTP_ACCEPT_LANGUAGE": BROWSER[language]}
    url = reverse("outbox:opt_out", args=[opt_out_token(contact.email)])
    out = {}
    for name, response in [
        ("opt-out", client.get(url, **browser)),
        ("opt-out, done", client.post(url, **browser)),
    ]:
        assert response.status_code == 200
        assert response["Content-Language"] == language, name
        out[f"{name} page"] = visible_text(response.content.decode())
    return out


def _follow_up(client, owner, language: str) -> dict[str, str]:
    start = NOW - dt.timedelta(days=3)
    meeting = MeetingFactory(
        title="Nordlicht Kazimierz",
        owner=owner,
        country=COUNTRY[language],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    contact = ContactFactory(
        name="Liesel Brandauer",
        organisation=OrganisationFactory(name=f"Quarzwerk Holding {language} bis"),
        language=CONTACT_LANGUAGE[language],
    )
    BookingFactory(meeting=meeting, contact=contact, attended=True)
    said = FeedbackItemFactory(meeting=meeting, text="Rechnungen kommen verspätet")
    waiting = FeedbackItemFactory(
        meeting=meeting, section=Section.FINANCE, kind="idea", text="Eskalation Kazimierz"
    )
    undecided = FeedbackItemFactory(meeting=meeting, kind="praise", text="Kommentar Zeitplan")
    due = NOW.date() + dt.timedelta(days=40)
    ActionFactory(
        meeting=meeting,
        feedback_item=said,
        owner=owner,
        status="done",
        title="Zahllauf prüfen",
        what_was_done="Lieferkette Zahllauf",
        due_date=due,
    )
    ActionFactory(
        meeting=meeting,
        feedback_item=said,
        owner=owner,
        status="wont_do",
        status_reason="Kundenstimme Zeitplan",
        title="Eskalation Kazimierz",
        due_date=due,
    )
    ActionFactory(
        meeting=meeting, feedback_item=waiting, owner=owner, title="Vorlage Quarz", due_date=due
    )
    ActionFactory(
        meeting=meeting, owner=owner, status="done", title="Grußwort Nordlicht", due_date=due
    )
    ActionFactory(meeting=meeting, owner=owner, title="Abschluss Nordlicht", due_date=due)
    follow_up = action_services.follow_up_compose(
        meeting=meeting,
        by=owner,
        introduction="Grußwort Nordlicht",
        closing="Abschluss Nordlicht",
        feedback_items=[said, waiting, undecided],
    )
    action_services.follow_up_publish(follow_up=follow_up, by=owner)
    mail = OutboxMail.objects.get(kind=OutboxMail.Kind.FOLLOW_UP, recipient=contact.email)
    out = {
        "“you said, we did” mail: subject": mail.subject,
        "“you said, we did” mail: text": strip_urls(mail.text_body),
        "“you said, we did” mail: HTML": visible_text(mail.html_body),
    }
    path = re.search(r"https?://\S+?(/actions/\S+/)", mail.text_body).group(1)
    out["“you said, we did” page"] = _guest_get(client, path, language)
    return out | after_follow_up_surfaces(
        client,
        owner=owner,
        follow_up=follow_up,
        email=contact.email,
        path=path,
        get=lambda url: _guest_get(client, url, language),
        read=visible_text,
        strip=strip_urls,
        headers={"HTTP_ACCEPT_LANGUAGE": BROWSER[language]},
    )


def _guest_get(client, path: str, language: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=BROWSER[language])
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return visible_text(response.content.decode())


def _pages_without_a_guest(client, language: str) -> dict[str, str]:
    """Pages that know no guest speak the browser's language."""
    browser = {"HTTP_ACCEPT_LANGUAGE": language}
    out = {}
    for name, url, status in [
        ("RSVP, broken link", reverse("invitations:rsvp", args=["not-a-token"]), 404),
        ("opt-out, broken link", reverse("outbox:opt_out", args=["not-a-token"]), 400),
        (
            "guest's own page, broken link",
            reverse("actions:guest_page", args=["not-a-token"]),
            404,
        ),
        (
            "“you said, we did”, broken link",
            reverse("actions:follow_up_public", args=["not-a-token"]),
            404,
        ),
        ("not found (404)", "/no-such-page/", 404),
        ("bad request (400)", "/?q=%00", 400),
    ]:
        response = client.get(url, **browser)
        assert response.status_code == status, (name, response.status_code)
        out[f"{name} page"] = visible_text(response.content.decode())
    with translation.override(language):
        for template in ("403", "403_csrf", "413", "429", "500", "503"):
            out[f"error page {template}"] = visible_text(render_to_string(f"{template}.html"))
    return out


def guest_surfaces(client, language: str) -> dict[str, str]:
    """Every guest page and mail, in the guest language `language`."""
    assert settings.LANGUAGE_CODE == "en-gb"
    # One guest opens their links more often here than the guest limits allow in an hour.
    unlimited = {name: {**limit, "rate": "10000/h"} for name, limit in settings.RATE_LIMITS.items()}
    with time_machine.travel(NOW, tick=False), override_settings(RATE_LIMITS=unlimited):
        owner, contact, meeting, booking = _world(language)
        surfaces = _mails(booking)
        surfaces.update(_rsvp_pages(client, booking, language))
        surfaces.update(_guest_comment_pages(client, meeting, language))
        surfaces.update(_opt_out_pages(client, contact, language))
        surfaces.update(_follow_up(client, owner, language))
        surfaces.update(_pages_without_a_guest(client, language))
    assert timezone.now() != NOW  # the clock is back
    return surfaces

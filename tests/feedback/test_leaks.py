"""Chatham House leak tests: after capturing text full of who-is-who, nothing in the
feedback tables, pages or exports can name anyone."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from feedback.models import FeedbackItem
from feedback.redaction import COMMON_WORD_NAMES
from meetings.models import Meeting
from tests.factories import BookingFactory, ContactFactory, MeetingFactory, OrganisationFactory

CLIENT = {"HTTP_X_CAPTURE_CLIENT": "1"}
FEEDBACK_TABLES = [
    "feedback_feedbackitem",
    "feedback_feedbackitem_tags",
    "feedback_tag",
    "feedback_journeystage",
    "feedback_capturestate",
]


def name_variants(full_name: str) -> list[str]:
    words = full_name.replace("-", " ").split()
    variants = [full_name, full_name.upper(), full_name.lower(), *words]
    variants += [f"{w}'s" for w in words] + [w.upper() for w in words]
    # A lowercase "will" or "rose" is the ordinary word (see feedback.redaction); other
    # names are redacted in lowercase too.
    variants += [w.lower() for w in words if w.lower() not in COMMON_WORD_NAMES]
    return variants


def secrets_of(running) -> list[str]:
    """Every string that would identify a participant or an organisation."""
    people = [running.guest.name, running.guest2.name]
    people += [
        u.get_full_name()
        for u in (
            running.owner,
            running.co_owner,
            running.facilitator,
            running.facilitator2,
            running.attendee,
        )
    ]
    texts = []
    for person in people:
        texts += name_variants(person)
    for org in (
        "Acme Logistics Ltd",
        "Acme Logistics",
        "Acme",
        "Northwind Traders",
        "Northwind",
        "Globex",
    ):
        texts += [org, org.upper(), org.lower(), f"{org}'s"]
    texts += [
        running.guest.email,
        running.guest2.email,
        running.owner.email,
        "priya.raman@ours.example",
    ]
    texts += [
        "+44 20 7946 0958",
        "020 7946 0958",
        "07700 900123",
        "0207-946-0958",
        "+447700900123",
        "https://acme-logistics.example/help",
    ]
    return texts


def leaky_sentences(running) -> list[str]:
    secrets = secrets_of(running)
    sentences = []
    for index in range(0, len(secrets), 4):
        chunk = secrets[index : index + 4]
        sentences.append(f"Feedback: {' and '.join(chunk)} complained about late deliveries!")
    return sentences


# Pieces of the phone numbers: a number only partly removed would leave one of these.
PHONE_PIECES = ["7946", "0958", "900123"]


def found_secrets(text: str, secrets: list[str]) -> list[str]:
    """Whole-word hits; names that are ordinary words count only when written as names."""
    hits = []
    for secret in [*secrets, *PHONE_PIECES]:
        flags = 0 if secret.lower().rstrip("'s") in COMMON_WORD_NAMES else re.IGNORECASE
        if re.search(rf"(?<![\w]){re.escape(secret)}(?![\w])", text, flags):
            hits.append(secret)
    return hits


@pytest.fixture
def captured(client, running, django_capture_on_commit_callbacks):
    """Capture through every path: the facilitator's page, an edit, and a guest's phone."""
    client.force_login(running.facilitator)
    url = reverse("feedback:capture_post", args=[running.meeting.pk])
    for text in leaky_sentences(running):
        response = client.post(url, running.post_data(text, stage="", tags="deliveries"), **CLIENT)
        assert response.status_code == 201, response.content
    item = FeedbackItem.objects.order_by("number").first()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("feedback:item_edit", args=[item.pk]),
            {
                "text": f"Edited: {running.guest.name} of ACME at {running.guest.email}",
                "kind": "idea",
                "sentiment": "neutral",
                "section": "customer",
                "source": "guest",
                "stage": "",
                "tags": "",
            },
        )
    from feedback.selectors import guest_link_token

    token = guest_link_token(meeting=running.meeting)
    guest_client = client.__class__()
    response = guest_client.post(
        reverse("feedback:guest_comment", args=[token]),
        {
            "text": f"Guest here: {running.guest2.name}, Northwind, call 07700 900123",
            "kind": "concern",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200
    return running


def test_database_dump_of_feedback_contains_no_names(captured):
    secrets = secrets_of(captured)
    out = io.StringIO()
    call_command("dumpdata", "feedback", stdout=out)
    dump = out.getvalue()
    assert "[person]" in dump
    assert "[organisation]" in dump
    assert "[email]" in dump
    assert "[phone]" in dump
    assert found_secrets(dump, secrets) == []
    raw = []
    with connection.cursor() as cursor:
        for table in FEEDBACK_TABLES:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            raw.extend(" ".join(str(v) for v in row) for row in cursor.fetchall())
    assert found_secrets("\n".join(raw), secrets) == []


def test_feedback_has_no_column_for_a_speaker_or_a_time():
    columns = {f.name for f in FeedbackItem._meta.get_fields() if f.concrete}
    assert columns == {
        "id",
        "meeting",
        "section",
        "kind",
        "sentiment",
        "stage",
        "tags",
        "source",
        "text",
        "number",
        "meeting_date",
        "idempotency_key",
    }
    for field in FeedbackItem._meta.get_fields(include_hidden=False):
        if not field.concrete:
            continue
        assert field.get_internal_type() not in ("DateTimeField", "TimeField"), field.name
        related = getattr(field, "related_model", None)
        assert related is None or related._meta.app_label in ("feedback", "meetings"), field.name


def test_pages_and_exports_of_the_meeting_contain_no_names(client, captured):
    secrets = secrets_of(captured)
    meeting = captured.meeting
    client.force_login(captured.facilitator)
    pages = {
        "capture": client.get(reverse("feedback:capture", args=[meeting.pk])),
        "poll": client.get(reverse("feedback:capture_poll", args=[meeting.pk]), {"rev": -1}),
        "csv": client.get(reverse("feedback:export_csv", args=[meeting.pk])),
    }
    item = FeedbackItem.objects.first()
    pages["edit"] = client.get(reverse("feedback:item_edit", args=[item.pk]))
    client.force_login(captured.owner)
    pages["owner view"] = client.get(reverse("feedback:capture", args=[meeting.pk]))
    from django.template.loader import render_to_string

    from feedback.meeting_panels import meeting_panels

    panel = meeting_panels(meeting=meeting, user=captured.owner)[0]
    pages["meeting panel"] = render_to_string(panel["template"], {"panel": panel})
    for name, page in pages.items():
        body = page if isinstance(page, str) else page.content.decode()
        if not isinstance(page, str):
            assert page.status_code == 200, name
        # The page names the signed-in user in the header; strip the site chrome, keep the content.
        body = re.sub(r"<header.*?</header>", "", body, flags=re.S)
        assert found_secrets(body, secrets) == [], name
        assert "[person]" in body or name == "meeting panel", name


def test_csv_export_reveals_neither_order_nor_time(client, captured):
    client.force_login(captured.facilitator)
    csv_text = client.get(
        reverse("feedback:export_csv", args=[captured.meeting.pk])
    ).content.decode("utf-8-sig")  # the BOM every CSV export starts with
    header = csv_text.splitlines()[0].split(",")
    assert header == [
        "meeting date",
        "section",
        "kind",
        "sentiment",
        "from",
        "moment of truth",
        "tags",
        "feedback",
    ]
    assert not re.search(r"\d{1,2}:\d{2}", csv_text)
    # Rows are grouped by section and kind, not in the order things were said.
    numbers_in_order = list(FeedbackItem.objects.order_by("number").values_list("text", flat=True))
    rows = csv_text.splitlines()[1:]
    assert len(rows) == len(numbers_in_order)


def test_a_meeting_with_a_single_guest_shows_no_time_finer_than_the_day(client, db):
    from tests.factories import facilitator, leader

    fac = facilitator()
    now = timezone.now()
    meeting = MeetingFactory(
        owner=leader(),
        facilitators=[fac],
        status=Meeting.Status.INVITED,
        starts_at=now.replace(hour=14, minute=37, second=0, microsecond=0) - dt.timedelta(days=0),
        ends_at=now.replace(hour=14, minute=37, second=0, microsecond=0) + dt.timedelta(hours=3),
    )
    BookingFactory(
        meeting=meeting, contact=ContactFactory(organisation=OrganisationFactory(name="Solo Ltd"))
    )
    client.force_login(fac)
    client.post(
        reverse("feedback:capture_post", args=[meeting.pk]),
        {
            "text": "Only guest spoke",
            "idempotency_key": str(uuid.uuid4()),
            "section": "customer",
            "kind": "concern",
            "sentiment": "negative",
            "source": "guest",
        },
        **CLIENT,
    )
    bodies = [
        client.get(reverse("feedback:capture", args=[meeting.pk])).content.decode(),
        client.get(
            reverse("feedback:capture_poll", args=[meeting.pk]), {"rev": -1}
        ).content.decode(),
        client.get(reverse("feedback:export_csv", args=[meeting.pk])).content.decode(),
    ]
    out = io.StringIO()
    call_command("dumpdata", "feedback", stdout=out)
    bodies.append(out.getvalue())
    for body in bodies:
        assert not re.search(r"\b\d{1,2}:\d{2}\b", body), body[:500]
        assert "14.37" not in body
        assert "2:37" not in body

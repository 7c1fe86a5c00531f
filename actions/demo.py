"""Demo data for actions, "you said, we did" and the charter.

Idempotent, and defensive: it uses the region, held meeting and feedback the other
apps' demos created when they exist, and creates the little it needs when they don't.
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from customers.models import Contact, Organisation, Region
from feedback.models import FeedbackItem
from feedback.services import feedback_capture
from meetings.models import Booking, Meeting, Section

from . import services
from .models import Action, Charter, CharterItem, ExpectationLink

ADVOCATE = "Give me one advocate who stays with me until it is solved"
DEMO_MEETING = "Demo: leadership meeting with customer guests (actions)"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _region() -> Region:
    region = Region.objects.order_by("pk").first()
    if region is None:
        region = Region.objects.create(
            name="United Kingdom & Ireland", countries=["GB", "IE"], time_zone="Europe/London"
        )
    return region


def _held_meeting(region: Region, owner: User) -> Meeting:
    now = timezone.now()
    # The held meeting with the most guest organisations, so that what was heard there
    # can be shown under the suppression rule.
    meeting = (
        Meeting.objects.filter(region=region, ends_at__lt=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(
            organisations=Count(
                "bookings__contact__organisation",
                filter=Q(bookings__attended=True)
                | Q(bookings__attended__isnull=True, bookings__rsvp="accepted"),
                distinct=True,
            )
        )
        .order_by("-organisations", "-starts_at")
        .first()
    )
    if meeting is not None and meeting.organisations >= settings.CHATHAM_MIN_ORGANISATIONS:
        return meeting
    start = (now - dt.timedelta(days=14)).replace(hour=9, minute=30, second=0, microsecond=0)
    meeting, _ = Meeting.objects.get_or_create(
        title=DEMO_MEETING,
        defaults={
            "region": region,
            "country": (list(region.countries) or ["GB"])[0],
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=3),
            "time_zone": region.time_zone,
            "owner": owner,
            "status": Meeting.Status.HELD,
            "objectives": "Hear how our customers see us, and act on it.",
        },
    )
    _book_guests(meeting, region)
    return meeting


def _book_guests(meeting: Meeting, region: Region) -> None:
    """Guests from distinct organisations, taken from the customers' demo when it has them."""
    wanted = settings.CHATHAM_MIN_ORGANISATIONS
    booked = set(meeting.bookings.values_list("contact__organisation_id", flat=True))
    contacts = []
    for organisation in Organisation.objects.exclude(pk__in=booked).order_by("pk"):
        if len(booked) + len(contacts) >= wanted:
            break
        contact = organisation.contacts.filter(erased_at__isnull=True).first()
        if contact is not None:
            contacts.append(contact)
    names = ["Harbour Freight", "Kestrel Health", "Lumen Energy", "Quayside Foods", "Tarn Water"]
    while len(booked) + len(contacts) < wanted and names:
        name = names.pop(0)
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"region": region, "country": meeting.country}
        )
        if organisation.pk in booked or any(c.organisation_id == organisation.pk for c in contacts):
            continue
        contact = organisation.contacts.first() or Contact.objects.create(
            organisation=organisation, name=f"Guest at {name}", job_title="Operations director"
        )
        contacts.append(contact)
    for contact in contacts:
        Booking.objects.get_or_create(
            meeting=meeting,
            contact=contact,
            defaults={"rsvp": Booking.Rsvp.ACCEPTED, "attended": True},
        )


def _feedback(meeting: Meeting, *, kind: str, sentiment: str, section: str, text: str):
    """Find the demo feedback item, or capture it through feedback.services (redacted,
    idempotent: the key is derived from the meeting and the words)."""

    key = uuid.uuid5(uuid.NAMESPACE_URL, f"open-chair-demo:actions:{meeting.pk}:{text}")
    existing = FeedbackItem.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    result = feedback_capture(
        meeting=meeting,
        text=text,
        idempotency_key=key,
        section=section,
        kind=kind,
        sentiment=sentiment,
        record_after_close=True,
    )
    return result.item


def _actions(meeting: Meeting, people: dict[str, User], today: dt.date) -> int:
    concern = (
        meeting.feedback_items.filter(kind=FeedbackItem.Kind.CONCERN).order_by("number").first()
    ) or _feedback(
        meeting,
        kind=FeedbackItem.Kind.CONCERN,
        sentiment=FeedbackItem.Sentiment.NEGATIVE,
        section=Section.CUSTOMER,
        text="When something goes wrong I am passed from one department to the next.",
    )
    idea = (
        meeting.feedback_items.filter(kind=FeedbackItem.Kind.IDEA).order_by("number").first()
    ) or _feedback(
        meeting,
        kind=FeedbackItem.Kind.IDEA,
        sentiment=FeedbackItem.Sentiment.POSITIVE,
        section=Section.OPERATIONS,
        text="Share the service levels you measure with us every month.",
    )
    specs = [
        ("Name one advocate for every key customer", people["leader"], 12, "open", concern, ""),
        (
            "Send a monthly service report to key customers",
            people["facilitator"],
            20,
            "in_progress",
            idea,
            "",
        ),
        (
            "Call back every complaint within one working day",
            people["leader"],
            -6,
            "open",
            concern,
            "",
        ),
        (
            "Publish the support rota on the customer portal",
            people["facilitator"],
            -3,
            "done",
            None,
            "The rota is on the portal and updated every Friday.",
        ),
        (
            "Open a second support line at weekends",
            people["leader2"],
            30,
            "wont_do",
            None,
            "Weekend calls are under one a month; the advocate covers them instead.",
        ),
    ]
    created = 0
    for title, owner, days, status, item, said in specs:
        _, was_created = Action.objects.get_or_create(
            title=title,
            defaults={
                "owner": owner,
                "created_by": people["leader"],
                "due_date": today + dt.timedelta(days=days),
                "status": status,
                "meeting": meeting,
                "region": meeting.region,
                "feedback_item": item,
                "what_was_done": said if status == "done" else "",
                "status_reason": said if status == "wont_do" else "",
                "completed_on": today - dt.timedelta(days=4) if status == "done" else None,
            },
        )
        created += was_created
    return created


def _charter(region: Region, meeting: Meeting, leader: User, today: dt.date) -> None:
    if Charter.objects.filter(region=region).exists():
        return
    # The demo leader writes this charter, so they lead its region (actions/rules.py).
    region.leaders.add(leader)
    charter = services.charter_create(
        name=f"{region.name} customer charter", region=region, by=leader
    )
    v1 = charter.versions.get()
    for category, text in [
        (CharterItem.Category.RESPONSIVENESS, "Answer the phone within a minute"),
        (CharterItem.Category.COMMUNICATION, "Tell us about a problem before we notice it"),
        (CharterItem.Category.RELIABILITY, "Deliver on the day we agreed"),
        (CharterItem.Category.VALUE, "Invoices that are right first time"),
    ]:
        services.charter_item_add(version=v1, by=leader, category=category, text=text)
    v1.notes = "Drafted by the leadership team; reviewed with three key customers."
    v1.save(update_fields=["notes"])
    services.charter_version_mark_reviewed(version=v1, by=leader)
    services.charter_version_publish(version=v1, by=leader)

    phone = v1.items.get(category=CharterItem.Category.RESPONSIVENESS)
    measure = services.measure_create(
        item=phone,
        by=leader,
        name="Calls answered within a minute",
        unit="%",
        target=Decimal(90),
        direction="at_least",
    )
    month = today.replace(day=1)
    for value in ["97", "95", "93", "88", "92", "96"]:
        services.measure_record(measure=measure, month=month, value=Decimal(value), by=leader)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    for text in (
        "Our calls are answered at once, and then nothing happens for days.",
        "Answering quickly is not the same as solving anything.",
    ):
        heard = _feedback(
            meeting,
            kind=FeedbackItem.Kind.EXPECTATION,
            sentiment=FeedbackItem.Sentiment.NEGATIVE,
            section=Section.CUSTOMER,
            text=text,
        )
        services.expectation_link(feedback_item=heard, charter=charter, by=leader, item=phone)

    v2 = services.charter_next_draft(charter=charter, by=leader)
    tell = v2.items.get(category=CharterItem.Category.COMMUNICATION)
    services.charter_item_update(
        item=tell,
        by=leader,
        category=tell.category,
        text="Tell us about a problem, and what you are doing about it, before we notice it",
    )
    services.charter_item_add(
        version=v2,
        by=leader,
        category=CharterItem.Category.EXPERTISE,
        text="Know our business before you come to see us",
    )

    # The expectation customers named that the charter forgot.
    unheard = _feedback(
        meeting,
        kind=FeedbackItem.Kind.EXPECTATION,
        sentiment=FeedbackItem.Sentiment.NEGATIVE,
        section=Section.CUSTOMER,
        text="Don't shovel me from person to person: " + ADVOCATE.lower() + ".",
    )
    if not ExpectationLink.objects.filter(feedback_item=unheard).exists():
        services.expectation_link(feedback_item=unheard, charter=charter, by=leader, label=ADVOCATE)


def seed(*, stdout) -> None:
    people = {name: _user(name) for name in ("leader", "leader2", "facilitator", "executive")}
    if not all(people.values()):
        stdout.write("  actions: demo users missing, skipped")
        return
    today = timezone.localdate()
    region = _region()
    meeting = _held_meeting(region, people["leader"])
    created = _actions(meeting, people, today)
    _charter(region, meeting, people["leader"], today)
    stdout.write(
        f"  actions: {Action.objects.count()} actions ({created} new), "
        f"{Charter.objects.count()} charter(s)"
    )

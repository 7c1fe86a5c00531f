"""Demo feedback for the demo meetings that were held or closed.

Realistic, already anonymous remarks (and they go through the redaction service like any
capture). Meetings come from meetings/demo.py; only those that exist with status held or
closed get feedback. Idempotent: each item has a fixed key per meeting, so a second run
adds nothing.
"""

import uuid

from meetings.models import Meeting

from .models import FeedbackItem, JourneyStage
from .services import feedback_capture

NAMESPACE = uuid.UUID("6f1c2a52-7d0e-4b8e-9a51-0c6b1f7e2d44")
P, C, IDEA, Q, E = "praise", "concern", "idea", "question", "expectation"
NEG, NEU, POS = "negative", "neutral", "positive"
G, S = "guest", "staff"

# (section, kind, sentiment, source, stage, tags, text)
FOUR_F = [
    (
        "customer",
        C,
        NEG,
        G,
        "Support",
        "escalations",
        "Don't shovel me from person to person: give me one advocate who stays with me until it is solved.",
    ),
    (
        "customer",
        P,
        POS,
        G,
        "Delivery",
        "",
        "Your field engineers are excellent: they explain what went wrong and what they changed.",
    ),
    (
        "customer",
        E,
        NEU,
        G,
        "Support",
        "response time",
        "We expect a call back within one working day, even when there is no fix yet.",
    ),
    (
        "customer",
        C,
        NEG,
        G,
        "Billing",
        "invoices",
        "Invoices arrive in three formats from three systems; our accounts team reconciles them by hand.",
    ),
    (
        "operations",
        IDEA,
        NEU,
        G,
        "Billing",
        "invoices",
        "The purchase-order matching step could be simplified or eliminated: one monthly invoice would do.",
    ),
    (
        "operations",
        C,
        NEG,
        G,
        "Onboarding",
        "",
        "Onboarding took four months because every department asked us for the same documents.",
    ),
    (
        "operations",
        Q,
        NEU,
        S,
        "",
        "",
        "If every SLA is green and customer feedback is poor, are we measuring the wrong things?",
    ),
    (
        "employees",
        P,
        POS,
        G,
        "Support",
        "",
        "The night-shift support team is the best thing about working with you.",
    ),
    (
        "marketing",
        IDEA,
        POS,
        G,
        "",
        "dream product",
        "Dream product: a portal that warns us before a shipment is late, not after.",
    ),
    (
        "sales",
        C,
        NEG,
        G,
        "Buying",
        "",
        "Your sales team promised a two-day turnaround that delivery could not keep.",
    ),
    (
        "sales",
        E,
        NEU,
        G,
        "Renewal",
        "",
        "At renewal we want last year's service figures on the table before any price discussion.",
    ),
    (
        "finance",
        IDEA,
        NEU,
        G,
        "Billing",
        "",
        "Quarterly billing with the same payment terms would save both sides a lot of chasing.",
    ),
    (
        "other",
        P,
        POS,
        G,
        "",
        "",
        "Being invited into this meeting shows you are serious about hearing us.",
    ),
]
LOVE_IN = [
    ("customer", P, POS, G, "Delivery", "", "Deliveries have been on time all year; thank you."),
    (
        "customer",
        P,
        POS,
        G,
        "Support",
        "",
        "Your account manager is always available and friendly.",
    ),
    ("operations", P, POS, G, "", "", "The new returns process is a big improvement."),
    ("sales", P, POS, G, "Buying", "", "Ordering is simple and the catalogue is clear."),
    ("other", P, POS, S, "", "", "We thanked the guests for a long and happy partnership."),
]
WAR = [
    (
        "customer",
        C,
        NEG,
        G,
        "Support",
        "escalations",
        "Three outages this quarter and nobody called us before we called you.",
    ),
    (
        "customer",
        C,
        NEG,
        G,
        "Billing",
        "invoices",
        "We were billed twice for the same month and it took six weeks to get a refund.",
    ),
    (
        "operations",
        C,
        NEG,
        G,
        "Delivery",
        "",
        "The spare parts arrive in two weeks when the contract says two days.",
    ),
    (
        "operations",
        C,
        NEG,
        G,
        "Support",
        "response time",
        "Every escalation starts from zero with a new person who knows nothing of the history.",
    ),
    (
        "sales",
        C,
        NEG,
        G,
        "Renewal",
        "",
        "Raising prices at renewal after this year is unacceptable to our board.",
    ),
    (
        "finance",
        Q,
        NEG,
        G,
        "Billing",
        "",
        "Why should we pay penalties on late payment when you pay none on late delivery?",
    ),
    ("other", P, NEU, G, "", "", "At least today you listened to all of it."),
]
ADVERTISEMENT = [
    (
        "customer",
        P,
        POS,
        S,
        "",
        "",
        "We presented the new product roadmap and the regional results.",
    ),
    (
        "operations",
        IDEA,
        NEU,
        S,
        "Delivery",
        "",
        "Our operations lead walked through the new warehouse.",
    ),
    ("sales", IDEA, NEU, S, "", "", "Sales presented next year's targets."),
    ("finance", P, NEU, S, "", "", "Finance presented the quarter."),
    ("customer", Q, NEU, G, "", "", "Will the roadmap slides be shared with us afterwards?"),
]
SCENARIOS = [FOUR_F, FOUR_F, LOVE_IN, FOUR_F, WAR, ADVERTISEMENT]


def seed(*, stdout) -> None:
    meetings = list(
        Meeting.objects.filter(status__in=[Meeting.Status.HELD, Meeting.Status.CLOSED]).order_by(
            "starts_at", "pk"
        )
    )
    if not meetings:
        stdout.write("  feedback: no held or closed demo meetings yet, nothing to seed")
        return
    stages = dict(JourneyStage.objects.values_list("name", "pk"))
    created = 0
    for index, meeting in enumerate(meetings):
        scenario = SCENARIOS[index % len(SCENARIOS)]
        for position, (section, kind, sentiment, source, stage, tags, text) in enumerate(scenario):
            result = feedback_capture(
                meeting=meeting,
                text=text,
                idempotency_key=uuid.uuid5(NAMESPACE, f"{meeting.pk}:{position}"),
                section=section,
                kind=kind,
                sentiment=sentiment,
                source=source,
                stage_id=stages.get(stage),
                tag_names=[t.strip() for t in tags.split(",") if t.strip()],
                record_after_close=True,
            )
            created += result.created
    total = FeedbackItem.objects.count()
    stdout.write(
        f"  feedback: {created} items added for {len(meetings)} held/closed meetings ({total} in all)"
    )

"""Reminder and thank-you rows computed by PostgreSQL, for scheduling at scale.

The same rows as the Python loop in `services.reminders_schedule`, as two SELECTs that
the outbox turns into `INSERT … SELECT` statements (`outbox_schedule_select`: the outbox
is the one writer of its rows): for 100,000 guests, building 300,000 model instances in
Python takes minutes; this takes seconds. Times use the same wall-clock arithmetic (AT
TIME ZONE the meeting's zone); delivery keys come from `outbox.keys`.
"""

from outbox.keys import delivery_key_sql
from outbox.services import outbox_schedule_select

_GUESTS = """
    FROM meetings_booking b
    JOIN customers_contact c ON c.id = b.contact_id
    JOIN meetings_meeting m ON m.id = b.meeting_id
    LEFT JOIN invitations_meetinginvitation inv ON inv.meeting_id = m.id
"""
_WHERE = """
    WHERE b.meeting_id = ANY(%(meetings)s)
      AND (%(bookings)s::bigint[] IS NULL OR b.id = ANY(%(bookings)s::bigint[]))
      AND b.rsvp <> 'declined' AND c.email <> '' AND c.erased_at IS NULL
      AND m.status <> 'cancelled'
"""
_REMINDER = """
    SELECT 'reminder' AS kind, c.email AS recipient, m.id AS meeting_id,
        %(reminder_prefix)s || m.title AS subject, %(body)s AS text_body,
        'invitations.reminder' AS renderer,
        jsonb_build_object('booking', b.id, 'days', d.days) AS render_args,
"""
REMINDERS = (
    _REMINDER  # noqa: S608 - constant SQL; every value is a query parameter
    + delivery_key_sql("reminder", "m.id", "b.id", "d.days || 'd'")
    + """ AS delivery_key,
        due.at AS due_at
    """
    + _GUESTS
    + """
    CROSS JOIN LATERAL (
        SELECT value::int AS days
        FROM jsonb_array_elements_text(COALESCE(inv.reminder_days, '[7, 1]'::jsonb))
    ) d
    CROSS JOIN LATERAL (
        SELECT ((m.starts_at AT TIME ZONE m.time_zone) - make_interval(days => d.days))
            AT TIME ZONE m.time_zone AS at
    ) due
    """
    + _WHERE
    + """
      AND due.at > %(now)s
    """
)
_THANK_YOU = """
    SELECT 'thank_you' AS kind, c.email AS recipient, m.id AS meeting_id,
        %(thank_you_prefix)s || m.title AS subject, %(body)s AS text_body,
        'invitations.thank_you' AS renderer,
        jsonb_build_object('booking', b.id) AS render_args,
"""
THANK_YOUS = (
    _THANK_YOU  # noqa: S608 - constant SQL; every value is a query parameter
    + delivery_key_sql("thank_you", "m.id", "b.id")
    + """ AS delivery_key,
        (((m.ends_at AT TIME ZONE m.time_zone)::date + 1) + %(thank_you_time)s::time)
            AT TIME ZONE m.time_zone AS due_at
    """
    + _GUESTS
    + _WHERE
)


def schedule_in_sql(*, meeting_ids, booking_ids, now, params: dict) -> int:
    values = {
        "meetings": list(meeting_ids),
        "bookings": list(booking_ids) if booking_ids is not None else None,
        "now": now,
        **params,
    }
    return outbox_schedule_select(select_sql=REMINDERS, params=values) + outbox_schedule_select(
        select_sql=THANK_YOUS, params=values
    )

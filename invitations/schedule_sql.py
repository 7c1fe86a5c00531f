"""Reminder and thank-you rows computed by PostgreSQL, for scheduling at scale.

The same rows as the Python loop in `services.reminders_schedule`, in two
INSERT ... SELECT statements: for 100,000 guests, building 300,000 model instances in
Python and sending them takes minutes; this takes seconds. Times use the same
wall-clock arithmetic (AT TIME ZONE the meeting's zone). Existing delivery keys are
left alone (ON CONFLICT DO NOTHING). A row already due is picked up by the outbox
poller, since its enqueued_at is NULL.
"""

from django.db import connection

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
_COLUMNS = """
    INSERT INTO outbox_outboxmail (kind, recipient, meeting_id, subject, text_body, html_body,
        attachments, renderer, render_args, delivery_key, status, attempts, last_error, due_at,
        created_at, updated_at)
"""
REMINDERS = (
    _COLUMNS  # noqa: S608 - constant SQL; every value is a query parameter
    + """
    SELECT 'reminder', c.email, m.id, left(%(reminder_prefix)s || m.title, 300), %(body)s, '',
        '[]'::jsonb, 'invitations.reminder', jsonb_build_object('booking', b.id, 'days', d.days),
        'reminder:' || m.id || ':' || b.id || ':' || d.days || 'd', 'queued', 0, '',
        due.at, %(now)s, %(now)s
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
    ON CONFLICT (delivery_key) DO NOTHING
    """
)
THANK_YOUS = (
    _COLUMNS  # noqa: S608 - constant SQL; every value is a query parameter
    + """
    SELECT 'thank_you', c.email, m.id, left(%(thank_you_prefix)s || m.title, 300), %(body)s, '',
        '[]'::jsonb, 'invitations.thank_you', jsonb_build_object('booking', b.id),
        'thank_you:' || m.id || ':' || b.id, 'queued', 0, '',
        (((m.ends_at AT TIME ZONE m.time_zone)::date + 1) + %(thank_you_time)s::time)
            AT TIME ZONE m.time_zone,
        %(now)s, %(now)s
    """
    + _GUESTS
    + _WHERE
    + """
    ON CONFLICT (delivery_key) DO NOTHING
    """
)


def schedule_in_sql(*, meeting_ids, booking_ids, now, params: dict) -> int:
    values = {
        "meetings": list(meeting_ids),
        "bookings": list(booking_ids) if booking_ids is not None else None,
        "now": now,
        **params,
    }
    with connection.cursor() as cursor:
        cursor.execute(REMINDERS, values)
        created = cursor.rowcount
        cursor.execute(THANK_YOUS, values)
        return created + cursor.rowcount

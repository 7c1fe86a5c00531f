"""Writes of captured feedback. The only way feedback text enters the database."""

from __future__ import annotations

import datetime as dt
import functools
import random
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting, Section

from .models import CaptureState, FeedbackItem, Tag
from .redaction import Redactor, cached_redactor, fingerprint_sql, meeting_redactor
from .rules import LOCKED_STATUSES
from .selectors import REVISION_CACHE_KEY, TAGS_CACHE_KEY, meeting_local_date
from .signals import items_changed_on_commit

MAX_TEXT_LENGTH = 2000
MAX_TAGS = 8
_NUMBER_RETRIES = 30


class FeedbackLocked(ValidationError):
    """The meeting is closed (or cancelled): its feedback can no longer change."""


@dataclass(frozen=True)
class CaptureResult:
    item: FeedbackItem
    created: bool


def _check_open(meeting: Meeting) -> None:
    if meeting.status in LOCKED_STATUSES:
        raise FeedbackLocked(
            _("This meeting is %(status)s: its feedback is locked.")
            % {"status": meeting.get_status_display().lower()}
        )


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Type what was said before saving.")})
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {
                "text": _("Keep an item under %(limit)s characters (this one has %(length)s).")
                % {"limit": MAX_TEXT_LENGTH, "length": len(text)}
            }
        )
    return text


def _clean_tag_names(names, redactor: Redactor) -> list[str]:
    cleaned: list[str] = []
    for raw in names or ():
        name = " ".join(str(raw).split())[:60]
        if not name:
            continue
        if redactor.redact(name) != name:
            raise ValidationError(
                {
                    "tags": _(
                        "A tag may not name a person, an organisation or contact details (%(tag)s)."
                    )
                    % {"tag": repr(name)}
                }
            )
        if name.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(
            {"tags": _("Use at most %(limit)s tags on one item.") % {"limit": MAX_TAGS}}
        )
    return cleaned


def _tags_for(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name)
            except IntegrityError:  # created meanwhile by another facilitator
                tag = Tag.objects.get(name__iexact=name)
            cache.delete(TAGS_CACHE_KEY)
        tags.append(tag)
    return tags


def _bump_revision(meeting_id: int) -> None:
    key = REVISION_CACHE_KEY.format(meeting_id=meeting_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def feedback_capture(
    *,
    meeting: Meeting,
    text: str,
    idempotency_key: uuid.UUID,
    section: str = Section.CUSTOMER,
    kind: str = FeedbackItem.Kind.CONCERN,
    sentiment: str = FeedbackItem.Sentiment.NEUTRAL,
    source: str = FeedbackItem.Source.GUEST,
    stage_id: int | None = None,
    tag_names: list[str] | tuple[str, ...] = (),
    redactor: Redactor | None = None,
    record_after_close: bool = False,
) -> CaptureResult:
    """Store one redacted feedback item; never stores unredacted text.

    Guarantees:
    - the text is redacted (participants, organisations, emails, phones, links) before
      it reaches the database; the original is not kept anywhere;
    - no speaker, organisation or time is recorded: only the meeting, its section, the
      meeting's date and the next order number within the meeting;
    - the same `idempotency_key` never creates a second item: a retry returns the
      first one (`created=False`);
    - a closed or cancelled meeting accepts nothing (`FeedbackLocked`), unless
      `record_after_close` is set by a loader of past meetings (the demo); the text is
      redacted all the same.
    Without tags this is one INSERT (plus none when the redactor is cached).
    """
    if not record_after_close:
        _check_open(meeting)
    redactor = redactor or capture_prepare(meeting=meeting)
    item = _new_item(
        meeting_id=meeting.pk,
        text=text,
        redactor=redactor,
        meeting_date=meeting_local_date(meeting),
        idempotency_key=idempotency_key,
        section=section,
        kind=kind,
        sentiment=sentiment,
        source=source,
        stage_id=stage_id,
    )
    item.meeting = meeting
    names = _clean_tag_names(tag_names, redactor) if tag_names else []
    for _attempt in range(_NUMBER_RETRIES):
        row = _insert(item)
        if row is not None:
            return _stored(item, row, names)
        existing = FeedbackItem.objects.filter(idempotency_key=item.idempotency_key).first()
        if existing is not None:
            if existing.meeting_id != meeting.pk:
                raise ValidationError(_("This item key belongs to another meeting."))
            return CaptureResult(item=existing, created=False)
        # Another facilitator took the same number at the same moment: take the next
        # (each statement sees the latest committed number), after a short random pause
        # when it keeps happening.
        if _attempt >= 2:
            time.sleep(random.uniform(0, 0.005 * _attempt))  # noqa: S311 - jitter, not security
    raise ValidationError(_("The item could not be numbered; please try again."))


# -- the quick path: one statement per item ---------------------------------------------

_TARGETS_SIZE = 256
# What a quick capture needs of a meeting besides its redactor, per process, as the full
# path last saw it: (starts_at, time_zone, the meeting's local date). The quick INSERT
# checks starts_at and time_zone again, so a stale entry costs a detour, never a wrong date.
_targets: OrderedDict[int, tuple[dt.datetime, str, dt.date]] = OrderedDict()
_targets_lock = threading.Lock()


def capture_prepare(*, meeting: Meeting) -> Redactor:
    """The meeting's redactor, built or reused, and what quick captures need remembered.

    Called by the capture page (so that the first item is already quick) and by
    `feedback_capture`."""
    redactor = meeting_redactor(meeting)
    with _targets_lock:
        _targets[meeting.pk] = (meeting.starts_at, meeting.time_zone, meeting_local_date(meeting))
        _targets.move_to_end(meeting.pk)
        while len(_targets) > _TARGETS_SIZE:
            _targets.popitem(last=False)
    return redactor


def clear_capture_caches() -> None:
    """Forget every meeting's redactor and date, and every verified session user, in this
    process (tests, after data loads)."""
    from accounts.session_user import forget_all

    from .redaction import clear_cache

    clear_cache()
    forget_all()
    with _targets_lock:
        _targets.clear()


def feedback_capture_quick(
    *,
    meeting_id: int,
    user_id: int,
    password: str,
    session_key: str,
    text: str,
    idempotency_key: uuid.UUID,
    section: str = Section.CUSTOMER,
    kind: str = FeedbackItem.Kind.CONCERN,
    sentiment: str = FeedbackItem.Sentiment.NEUTRAL,
    source: str = FeedbackItem.Source.GUEST,
    stage_id: int | None = None,
    tag_names: list[str] | tuple[str, ...] = (),
) -> CaptureResult | None:
    """Store one item in a single statement, when this process knows the meeting already.

    The guarantees of `feedback_capture`, by a shorter route: the text is redacted by the
    meeting's cached redactor, and the INSERT itself stores nothing unless, when it runs,
    the session is still there and unexpired, its user is one of the meeting's
    facilitators, is active and still has the password hash the session was verified
    against (`accounts.session_user`: the caller reads neither the session nor the user),
    the meeting is neither closed nor cancelled (the `feedback.capture` rule, checked by
    the database), its start and time zone are those remembered, and its redaction
    fingerprint is the one the redactor was built for (booking a guest, renaming a
    contact, an organisation or a colleague all change it, see
    `feedback.redaction.fingerprint_sql`). So a redactor that no longer knows every
    participant can never store text.

    Returns None, having stored nothing, whenever any of that is not so, the item's key
    was used before, or the input is not valid: the caller then takes the full path
    (`meeting_for_capture`, the rules, `feedback_capture`), which gives the precise
    answer (not found, locked, the same item again, the message to show).
    """
    if not (user_id and password and session_key):
        return None
    cached = cached_redactor(meeting_id)
    target = _targets.get(meeting_id)
    if cached is None or target is None:
        return None
    fingerprint, redactor = cached
    starts_at, time_zone, meeting_date = target
    try:
        names = _clean_tag_names(tag_names, redactor) if tag_names else []
        item = _new_item(
            meeting_id=meeting_id,
            text=text,
            redactor=redactor,
            meeting_date=meeting_date,
            idempotency_key=idempotency_key,
            section=section,
            kind=kind,
            sentiment=sentiment,
            source=source,
            stage_id=stage_id,
        )
        row = _insert_guarded(
            item,
            user_id=user_id,
            password=password,
            session_key=session_key,
            starts_at=starts_at,
            time_zone=time_zone,
            fingerprint=fingerprint,
        )
    except ValidationError:
        return None
    if row is None:
        return None
    return _stored(item, row, names)


def _new_item(
    *,
    meeting_id: int,
    text: str,
    redactor: Redactor,
    meeting_date: dt.date,
    idempotency_key: uuid.UUID,
    section: str,
    kind: str,
    sentiment: str,
    source: str,
    stage_id: int | None,
) -> FeedbackItem:
    """An unsaved item with its text checked and redacted (`ValidationError` if invalid)."""
    item = FeedbackItem(
        meeting_id=meeting_id,
        section=section,
        kind=kind,
        sentiment=sentiment,
        source=source,
        stage_id=stage_id,
        text=redactor.redact(_clean_text(text)),
        number=1,
        meeting_date=meeting_date,
        idempotency_key=idempotency_key,
    )
    # Field checks only: the foreign keys and unique constraints are the database's job.
    item.full_clean(
        exclude=["meeting", "stage", "tags", "number"],
        validate_unique=False,
        validate_constraints=False,
    )
    return item


def _stored(item: FeedbackItem, row: tuple[int, int], tag_names: list[str]) -> CaptureResult:
    """The item as its INSERT stored it (id and number), with its tags."""
    item.pk, item.number = row
    item._state.adding = False
    item._state.db = "default"
    if tag_names:
        with transaction.atomic():
            item.tags.set(_tags_for(tag_names))
    items_changed_on_commit(meeting_id=item.meeting_id)
    return CaptureResult(item=item, created=True)


_ITEM_COLUMNS = ("meeting_id", "section", "kind", "sentiment", "stage_id", "source", "text")


def _item_values(item: FeedbackItem) -> list:
    field = FeedbackItem._meta.get_field
    return [
        item.meeting_id,
        item.section,
        item.kind,
        item.sentiment,
        item.stage_id,
        item.source,
        item.text,
        field("meeting_date").get_db_prep_value(item.meeting_date, connection),
        field("idempotency_key").get_db_prep_value(item.idempotency_key, connection),
    ]


# PostgreSQL types of the quick INSERT's parameters, in order: written into its SQL so that
# the statement can be sent with server-side binding (see `_planned_once_cursor`).
_GUARDED_TYPES = (
    *("bigint", "text", "text", "text", "bigint", "text", "text"),  # _ITEM_COLUMNS
    *("date", "uuid"),  # meeting_date, idempotency_key
    "bigint",  # the meeting
    *("text",) * len(LOCKED_STATUSES),
    *("timestamptz", "text"),  # starts_at, time_zone
    *("bigint", "text"),  # the user, their password hash
    *("text", "timestamptz"),  # the session key, now
    "text",  # the fingerprint
)


@functools.cache
def _guarded_insert_sql(vendor: str) -> str:
    """The quick path's INSERT … SELECT … FROM the meeting WHERE the capture rule holds."""
    qn = connection.ops.quote_name
    items = qn(FeedbackItem._meta.db_table)
    meeting = qn(Meeting._meta.db_table)
    facilitators = qn(Meeting.facilitators.through._meta.db_table)
    users = qn(get_user_model()._meta.db_table)
    sessions = qn(Session._meta.db_table)
    if vendor == "postgresql":
        params = iter([f"%s::{kind}" for kind in _GUARDED_TYPES])
    else:
        params = iter(["%s"] * len(_GUARDED_TYPES))

    def p(count: int = 1) -> str:
        return ", ".join(next(params) for _ in range(count))

    # Identifiers from model metadata; every value is a parameter. The meeting's table is
    # not aliased: the fingerprint's SQL refers to it by name.
    return (
        f"INSERT INTO {items} ({', '.join(qn(c) for c in _ITEM_COLUMNS)}, "  # noqa: S608
        f"{qn('number')}, {qn('meeting_date')}, {qn('idempotency_key')}) "
        f"SELECT {p(len(_ITEM_COLUMNS))}, "
        f"COALESCE((SELECT MAX(i.{qn('number')}) FROM {items} i"
        f" WHERE i.{qn('meeting_id')} = {meeting}.{qn('id')}), 0) + 1, {p(2)}"
        f" FROM {meeting}"
        f" WHERE {meeting}.{qn('id')} = {p()}"
        f" AND {meeting}.{qn('status')} NOT IN ({p(len(LOCKED_STATUSES))})"
        f" AND {meeting}.{qn('starts_at')} = {p()} AND {meeting}.{qn('time_zone')} = {p()}"
        f" AND EXISTS (SELECT 1 FROM {facilitators} f JOIN {users} u ON u.{qn('id')} = "
        f"f.{qn('user_id')} WHERE f.{qn('meeting_id')} = {meeting}.{qn('id')}"
        f" AND f.{qn('user_id')} = {p()} AND u.{qn('is_active')} AND u.{qn('password')} = {p()})"
        f" AND EXISTS (SELECT 1 FROM {sessions} s WHERE s.{qn('session_key')} = {p()}"
        f" AND s.{qn('expire_date')} > {p()})"
        f" AND ({fingerprint_sql()}) = {p()}"
        f" ON CONFLICT DO NOTHING RETURNING {qn('id')}, {qn('number')}"
    )


def _planned_once_cursor():
    """On PostgreSQL, a cursor with server-side binding, so that psycopg prepares the
    statement after a few runs and PostgreSQL plans it once per connection (connections
    are kept, CONN_MAX_AGE) instead of on every item: planning the fingerprint's
    subqueries costs more than running them. Logged and error-wrapped like any Django
    cursor (query counts in tests include it). Elsewhere, a plain cursor."""
    cursor = connection.cursor()
    if connection.vendor != "postgresql":
        return cursor
    import psycopg

    cursor.close()  # opened for what Django does first: the health check, reconnecting
    raw = psycopg.Cursor(connection.connection)
    return (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )


def _insert_guarded(
    item: FeedbackItem,
    *,
    user_id: int,
    password: str,
    session_key: str,
    starts_at,
    time_zone: str,
    fingerprint: str,
) -> tuple[int, int] | None:
    starts = Meeting._meta.get_field("starts_at").get_db_prep_value(starts_at, connection)
    now = Session._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connection)
    params = [
        *_item_values(item),
        item.meeting_id,
        *(str(status) for status in LOCKED_STATUSES),
        starts,
        time_zone,
        user_id,
        password,
        session_key,
        now,
        fingerprint,
    ]
    try:
        with _planned_once_cursor() as cursor:
            cursor.execute(_guarded_insert_sql(connection.vendor), params)
            row = cursor.fetchone()
    except IntegrityError:  # the journey stage was removed meanwhile: the full path says so
        return None
    return (row[0], row[1]) if row else None


def _insert(item: FeedbackItem) -> tuple[int, int] | None:
    """INSERT with the next number computed in the same statement; None on a conflict."""
    table = FeedbackItem._meta.db_table
    field = FeedbackItem._meta.get_field
    columns = ["meeting_id", "section", "kind", "sentiment", "stage_id", "source", "text"]
    values = [
        item.meeting_id,
        item.section,
        item.kind,
        item.sentiment,
        item.stage_id,
        item.source,
        item.text,
    ]
    meeting_date = field("meeting_date").get_db_prep_value(item.meeting_date, connection)
    key = field("idempotency_key").get_db_prep_value(item.idempotency_key, connection)
    qn = connection.ops.quote_name
    # Identifiers from model metadata; every value is a parameter.
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}, "  # noqa: S608
        f"{qn('number')}, {qn('meeting_date')}, {qn('idempotency_key')}) "
        f"SELECT {', '.join(['%s'] * len(columns))}, COALESCE(MAX({qn('number')}), 0) + 1, %s, %s "
        f"FROM {qn(table)} WHERE {qn('meeting_id')} = %s "
        f"ON CONFLICT DO NOTHING RETURNING {qn('id')}, {qn('number')}"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*values, meeting_date, key, item.meeting_id])
            row = cursor.fetchone()
    except IntegrityError as exc:  # the journey stage was removed meanwhile
        raise ValidationError({"stage": _("That journey stage no longer exists.")}) from exc
    return (row[0], row[1]) if row else None


def feedback_update(
    *,
    item: FeedbackItem,
    text: str,
    kind: str,
    sentiment: str,
    section: str,
    source: str,
    stage_id: int | None = None,
    tag_names: list[str] | tuple[str, ...] = (),
) -> FeedbackItem:
    """Correct an item; the new text is redacted like new feedback. Locked once closed."""
    meeting = item.meeting
    _check_open(meeting)
    redactor = meeting_redactor(meeting)
    item.text = redactor.redact(_clean_text(text))
    item.kind, item.sentiment, item.section, item.source = kind, sentiment, section, source
    item.stage_id = stage_id
    item.full_clean(
        exclude=["meeting", "stage", "tags"], validate_unique=False, validate_constraints=False
    )
    names = _clean_tag_names(tag_names, redactor)
    item.save(update_fields=["text", "kind", "sentiment", "section", "source", "stage"])
    item.tags.set(_tags_for(names))
    transaction.on_commit(lambda: _bump_revision(meeting.pk))
    items_changed_on_commit(meeting_id=meeting.pk)
    return item


def feedback_delete(*, item: FeedbackItem) -> None:
    """Remove an item captured by mistake. Locked once the meeting is closed."""
    _check_open(item.meeting)
    meeting_id = item.meeting_id
    item.delete()
    transaction.on_commit(lambda: _bump_revision(meeting_id))
    items_changed_on_commit(meeting_id=meeting_id)


def capture_section_set(*, meeting: Meeting, section: str) -> str:
    """Move the meeting's capture to an agenda section, for every facilitator at once."""
    _check_open(meeting)
    if section not in Section.values:
        raise ValidationError({"section": _("Choose an agenda section.")})
    CaptureState.objects.update_or_create(meeting=meeting, defaults={"section": section})
    return section

"""Writes of captured feedback. The only way feedback text enters the database."""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from meetings.models import Meeting, Section

from .balance import section_clock_now
from .models import CaptureState, FeedbackItem, Tag
from .redaction import Redactor, meeting_redactor
from .rules import LOCKED_STATUSES
from .selectors import (
    REVISION_CACHE_KEY,
    TAGS_CACHE_KEY,
    current_section,
    meeting_local_date,
    tag_ids,
)
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


def _tag_ids_for(names: list[str]) -> list[int]:
    """The tags' ids, from the cached list (no query) or created when new."""
    known = tag_ids()
    ids = []
    for name in names:
        tag_id = known.get(name.lower())
        if tag_id is None:
            try:
                with transaction.atomic():
                    tag_id = Tag.objects.create(name=name).pk
            except IntegrityError:  # created meanwhile by another facilitator
                tag_id = Tag.objects.get(name__iexact=name).pk
            cache.delete(TAGS_CACHE_KEY)
        ids.append(tag_id)
    return ids


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
    One INSERT for the item and one for its tags (their ids come from the cache), when
    the meeting's redactor is cached (`meeting_redactor`) and the meeting was loaded by
    `feedback.selectors.meeting_for_capture` (with its redaction fingerprint).
    """
    if not record_after_close:
        _check_open(meeting)
    redactor = redactor or meeting_redactor(meeting)
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
        # The item and its tags together: in the caller's transaction when there is one
        # (a request's), without a savepoint; in one of their own otherwise.
        with transaction.atomic(savepoint=False):
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
    """The item as its INSERT stored it (id and number), with its tags (one INSERT, in the
    caller's transaction: the request's)."""
    item.pk, item.number = row
    item._state.adding = False
    item._state.db = "default"
    if tag_names:
        through = FeedbackItem.tags.through
        through.objects.bulk_create(
            through(feedbackitem_id=item.pk, tag_id=tag_id) for tag_id in _tag_ids_for(tag_names)
        )
    items_changed_on_commit(meeting_id=item.meeting_id)
    return CaptureResult(item=item, created=True)


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
    item.tags.set(_tag_ids_for(names))
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
    _section_clock_move(meeting=meeting, section=section, now=section_clock_now(meeting=meeting))
    return section


@transaction.atomic
def _section_clock_move(*, meeting: Meeting, section: str, now: dt.datetime) -> None:
    """Move to `section`, adding the time the section left has run (from its start, or
    from the meeting's start, whichever is later; nothing before the meeting starts) to
    its total. Whole seconds; the row is locked so two facilitators' moves add up."""
    CaptureState.objects.get_or_create(
        meeting=meeting, defaults={"section": current_section(meeting=meeting)}
    )
    state = CaptureState.objects.select_for_update().get(meeting=meeting)
    if state.section == section:
        return
    began = max(state.section_started_at or meeting.starts_at, meeting.starts_at)
    spent = int((now - began).total_seconds()) if now > began else 0
    if spent:
        totals = dict(state.seconds_by_section or {})
        totals[state.section] = totals.get(state.section, 0) + spent
        state.seconds_by_section = totals
    state.section = section
    state.section_started_at = now
    state.save(update_fields=["section", "section_started_at", "seconds_by_section"])

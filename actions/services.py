"""Writes for actions, follow-ups and the charter.

Every service validates before it writes and raises `ValidationError` with a message
a user can act on; nothing is changed when it does.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditEntry
from audit.services import audit_record
from feedback.redaction import Redactor, meeting_redactor, register_redactor
from outbox.keys import delivery_key

from .models import (
    Action,
    Charter,
    CharterItem,
    CharterVersion,
    ExpectationLink,
    FollowUp,
    Measure,
    MeasureValue,
)

OWNER_ROLES = (Role.LEADER, Role.FACILITATOR, Role.ADMINISTRATOR)


# --- Actions -----------------------------------------------------------------------------


def user_may_own_actions(user: User) -> bool:
    """An action owner must be an internal user with access: leader, facilitator or admin."""
    return bool(
        user is not None and user.is_active and any(user.has_role(role) for role in OWNER_ROLES)
    )


def _check_owner(owner: User) -> None:
    if not user_may_own_actions(owner):
        raise ValidationError(
            {
                "owner": f"{owner} cannot own an action: an owner must be a leader, "
                "facilitator or administrator who can open Open Chair."
            }
        )


def _redactor(meeting) -> Redactor:
    """Actions are read by executives and, through "you said, we did", by guests: their
    free text passes through the one redactor before it is stored, like feedback."""
    return meeting_redactor(meeting) if meeting is not None else register_redactor()


def _check_due_date(due_date: dt.date, today: dt.date) -> None:
    if due_date < today:
        raise ValidationError(
            {"due_date": f"The due date {due_date:%d %b %Y} is in the past; choose today or later."}
        )


@transaction.atomic
def action_create(
    *,
    created_by: User,
    title: str,
    owner: User,
    due_date: dt.date,
    description: str = "",
    feedback_item=None,
    meeting=None,
    region=None,
    today: dt.date | None = None,
) -> Action:
    """Create an open action. Refuses a due date in the past and an owner without access."""
    today = today or timezone.localdate()
    _check_due_date(due_date, today)
    _check_owner(owner)
    if feedback_item is not None:
        if meeting is not None and meeting.pk != feedback_item.meeting_id:
            raise ValidationError("The feedback item belongs to another meeting.")
        meeting = feedback_item.meeting
    if meeting is not None:
        region = meeting.region
    redactor = _redactor(meeting)
    action = Action(
        title=redactor.redact(title.strip()),
        description=redactor.redact(description.strip()),
        owner=owner,
        due_date=due_date,
        feedback_item=feedback_item,
        meeting=meeting,
        region=region,
        created_by=created_by,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    by: User,
    title: str,
    description: str,
    owner: User,
    due_date: dt.date,
    today: dt.date | None = None,
) -> Action:
    """Change what an action is, who owns it and when it is due.

    A new due date may not be in the past (an unchanged one may, so an overdue action
    can still be edited); a new owner must have access.
    """
    today = today or timezone.localdate()
    if due_date != action.due_date:
        _check_due_date(due_date, today)
    if owner.pk != action.owner_id:
        _check_owner(owner)
    redactor = _redactor(action.meeting)
    action.title = redactor.redact(title.strip())
    action.description = redactor.redact(description.strip())
    action.owner = owner
    action.due_date = due_date
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_set_status(
    *,
    action: Action,
    by: User,
    status: str,
    reason: str = "",
    what_was_done: str = "",
    today: dt.date | None = None,
) -> Action:
    """Move an action to a new status.

    Only the owner, the meeting's owner or co-owners and administrators may; "won't do"
    needs a reason. "Done" records the day it was completed; reopening clears it.
    """
    if not by.has_perm("actions.change_action_status", action):
        raise PermissionDenied("Only the owner, the meeting's owners or an administrator may.")
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose one of the statuses listed."})
    redactor = _redactor(action.meeting)
    reason = redactor.redact(reason.strip())
    what_was_done = redactor.redact(what_was_done.strip())
    if status == Action.Status.WONT_DO and not reason:
        raise ValidationError({"reason": "Say why the action won't be done."})
    today = today or timezone.localdate()
    action.status = status
    action.status_reason = reason if status == Action.Status.WONT_DO else ""
    if what_was_done or status == Action.Status.DONE:
        action.what_was_done = what_was_done or action.what_was_done
    if status == Action.Status.DONE:
        action.completed_on = action.completed_on or today
    else:
        action.completed_on = None
    action.full_clean()
    action.save()
    return action


def action_reminder_key(action: Action) -> str:
    """One reminder per action and due date: moving the due date earns a new reminder."""
    return delivery_key("action-reminder", action.pk, action.due_date.isoformat())


def actions_remind_overdue(*, today: dt.date | None = None) -> int:
    """Queue a reminder mail to the owner of every overdue action, once per due date.

    Safe to run any number of times: the outbox's unique delivery key (action and due
    date) turns a repeat into a no-op. Returns how many reminders were newly queued.
    """
    from outbox.models import OutboxMail
    from outbox.services import outbox_enqueue

    from . import mails

    today = today or timezone.localdate()
    overdue = (
        Action.objects.filter(
            status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS], due_date__lt=today
        )
        .exclude(owner__email="")
        .select_related("owner", "meeting")
    )
    queued = 0
    for action in overdue.iterator(chunk_size=200):
        subject, text_body, html_body = mails.action_reminder(action=action, today=today)
        with transaction.atomic():
            mail = outbox_enqueue(
                kind=OutboxMail.Kind.ACTION_REMINDER,
                recipient=action.owner.email,
                subject=subject,
                text_body=text_body,
                html_body=html_body,
                delivery_key=action_reminder_key(action),
                meeting=action.meeting,
            )
        queued += mail.created
    return queued


# --- Charter -----------------------------------------------------------------------------


def _refuse_if_published(version: CharterVersion) -> None:
    if version.is_published:
        raise ValidationError(
            f"Version {version.number} is published and can no longer be changed. "
            "Start the next draft to revise the charter."
        )


@transaction.atomic
def charter_create(*, name: str, by: User, region=None, team: str = "") -> Charter:
    """Create a charter for a region or a team, with an empty first draft."""
    if region is not None and Charter.objects.filter(region=region).exists():
        raise ValidationError({"region": f"{region} already has a charter."})
    charter = Charter(name=name.strip(), region=region, team=team.strip())
    charter.full_clean()
    charter.save()
    CharterVersion.objects.create(charter=charter, number=1, created_by=by)
    return charter


@transaction.atomic
def charter_next_draft(*, charter: Charter, by: User) -> CharterVersion:
    """The version being written: the unpublished one, or a copy of the latest published.

    Copies keep each item's lineage, so measures and heard expectations follow them.
    """
    Charter.objects.select_for_update().get(pk=charter.pk)
    existing = charter.versions.exclude(status=CharterVersion.Status.PUBLISHED).first()
    if existing is not None:
        return existing
    latest = charter.versions.order_by("-number").first()
    number = (charter.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = CharterVersion.objects.create(charter=charter, number=number, created_by=by)
    if latest is not None:
        CharterItem.objects.bulk_create(
            CharterItem(
                version=draft,
                lineage=item.lineage,
                category=item.category,
                text=item.text,
                position=item.position,
            )
            for item in latest.items.all()
        )
    return draft


def _locked_version(version: CharterVersion) -> CharterVersion:
    return CharterVersion.objects.select_for_update().get(pk=version.pk)


@transaction.atomic
def charter_item_add(*, version: CharterVersion, by: User, category: str, text: str) -> CharterItem:
    """Add an item at the end of a draft or reviewed version; a published one is refused."""
    version = _locked_version(version)
    _refuse_if_published(version)
    position = (version.items.aggregate(p=Max("position"))["p"] or 0) + 1
    text = register_redactor().redact(text.strip())
    item = CharterItem(version=version, category=category, text=text, position=position)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def charter_item_update(*, item: CharterItem, by: User, category: str, text: str) -> CharterItem:
    """Reword or recategorise an item of a version that is not yet published."""
    _refuse_if_published(_locked_version(item.version))
    item.category = category
    item.text = register_redactor().redact(text.strip())
    item.full_clean()
    item.save(update_fields=["category", "text"])
    return item


@transaction.atomic
def charter_item_delete(*, item: CharterItem, by: User) -> None:
    """Remove an item from a version that is not yet published."""
    _refuse_if_published(_locked_version(item.version))
    item.delete()


@transaction.atomic
def charter_version_mark_reviewed(*, version: CharterVersion, by: User) -> CharterVersion:
    """Record that the draft was reviewed with customers."""
    version = _locked_version(version)
    if version.status != CharterVersion.Status.DRAFT:
        raise ValidationError(f"Version {version.number} is not a draft.")
    if not version.items.exists():
        raise ValidationError("Add at least one item before reviewing the draft with customers.")
    version.status = CharterVersion.Status.REVIEWED
    version.reviewed_at = timezone.now()
    version.save(update_fields=["status", "reviewed_at"])
    return version


@transaction.atomic
def charter_version_publish(*, version: CharterVersion, by: User) -> CharterVersion:
    """Publish a version reviewed with customers; from then on it is read-only.

    Heard expectations promoted into it now count as on the charter.
    """
    version = _locked_version(version)
    if version.status != CharterVersion.Status.REVIEWED:
        if version.is_published:
            raise ValidationError(f"Version {version.number} is already published.")
        raise ValidationError(
            "Review the draft with customers (mark it reviewed) before publishing it."
        )
    version.status = CharterVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    for link in ExpectationLink.objects.filter(promoted_item__version=version):
        link.item = link.promoted_item
        link.save(update_fields=["item"])
    audit_record(
        actor=by,
        action=AuditEntry.Action.CHARTER_PUBLISHED,
        target_repr=f"{version.charter} v{version.number}",
    )
    return version


# --- Expectations heard --------------------------------------------------------------------


@transaction.atomic
def expectation_link(
    *,
    feedback_item,
    charter: Charter,
    by: User,
    item: CharterItem | None = None,
    label: str = "",
) -> ExpectationLink:
    """Record an expectation heard as on the charter (`item`) or not on it (`item=None`).

    Only feedback of kind "expectation" can be linked, and only to an item of the
    same charter. Linking again replaces the earlier choice.
    """
    from feedback.models import FeedbackItem

    if feedback_item.kind != FeedbackItem.Kind.EXPECTATION:
        raise ValidationError("Only feedback of kind “expectation” can be linked to a charter.")
    if item is not None and item.version.charter_id != charter.pk:
        raise ValidationError({"item": "That item belongs to another charter."})
    label = " ".join(label.split())
    if item is None and not label:
        label = " ".join(feedback_item.text.split())[:200]
    label = meeting_redactor(feedback_item.meeting).redact(label)
    link, _ = ExpectationLink.objects.select_for_update().get_or_create(
        feedback_item=feedback_item, defaults={"charter": charter, "linked_by": by}
    )
    link.charter = charter
    link.item = item
    link.label = "" if item is not None else label
    link.linked_by = by
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def expectation_promote(*, charter: Charter, label: str, by: User) -> CharterItem:
    """Put a heard expectation that is not on the charter into the charter's next draft.

    The whole group (every expectation heard with that label) is promoted as one item;
    promoting the same group twice is refused.
    """
    Charter.objects.select_for_update().get(pk=charter.pk)
    group = ExpectationLink.objects.annotate(key=Lower("label")).filter(
        charter=charter, item__isnull=True, key=" ".join(label.split()).lower()
    )
    if not group.exists():
        raise ValidationError("No heard expectation with that wording is missing from the charter.")
    already = group.filter(promoted_item__isnull=False).select_related("promoted_item__version")
    if already.exists():
        version = already.first().promoted_item.version
        raise ValidationError(
            f"“{label}” was already promoted into version {version.number} of the charter."
        )
    draft = charter_next_draft(charter=charter, by=by)
    item = charter_item_add(
        version=draft, by=by, category=CharterItem.Category.OTHER, text=group.first().label
    )
    group.update(promoted_item=item)
    return item


# --- Measures --------------------------------------------------------------------------------


@transaction.atomic
def measure_create(
    *, item: CharterItem, by: User, name: str, target, direction: str, unit: str = ""
) -> Measure:
    """Attach a measure to a charter item (and its copies in every version).

    Measures are operational: they can be added to a published item.
    """
    measure = Measure(
        charter=item.version.charter,
        lineage=item.lineage,
        name=name.strip(),
        unit=unit.strip(),
        target=target,
        direction=direction,
    )
    measure.full_clean()
    measure.save()
    return measure


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def measure_record(*, measure: Measure, month: dt.date, value, by: User) -> MeasureValue:
    """Record (or correct) a measure's value for a month; one value per month."""
    if month_start(month) > month_start(timezone.localdate()):
        raise ValidationError({"month": "A month in the future cannot be measured yet."})
    record, _ = MeasureValue.objects.update_or_create(
        measure=measure,
        month=month_start(month),
        defaults={"value": value, "recorded_by": by},
    )
    return record


# --- "You said, we did" ----------------------------------------------------------------------


def _refuse_names(*, meeting, fields: dict[str, str]) -> None:
    from .followup import names_in

    errors = {
        name: "A follow-up names nobody and no organisation (Chatham House Rule). "
        f"Remove: {', '.join(found)}."
        for name, found in names_in(meeting=meeting, fields=fields).items()
    }
    if errors:
        raise ValidationError(errors)


def follow_up_check_before_sending(*, follow_up: FollowUp) -> None:
    """The last check before a follow-up goes to guests: every free text of the mail is
    read once more by the redactor, which knows the whole register as it is now. A name
    typed after the draft was saved, a contact added since, or anything the content's
    redaction let through stops the send with a message that names the field to correct;
    nothing is sent."""
    from .followup import mail_fields, names_in

    fields = mail_fields(
        content=follow_up.content,
        introduction=follow_up.introduction,
        closing=follow_up.closing,
    )
    found = names_in(meeting=follow_up.meeting, fields=fields)
    if found:
        where = "; ".join(f"{field}: {', '.join(names)}" for field, names in found.items())
        raise ValidationError(
            "Nothing was sent: a follow-up names nobody and no organisation (Chatham House "
            f"Rule), and these still do — {where}. Correct them and send again."
        )


@transaction.atomic
def follow_up_compose(
    *, meeting, by: User, introduction: str, closing: str, feedback_items
) -> FollowUp:
    """Save the leader's draft of a meeting's follow-up.

    Refused for a meeting not yet held, for a follow-up already sent (it is read-only
    from then on), for feedback of another meeting, and for words that name a guest,
    a member of staff or any customer organisation.
    """
    from . import followup

    if not followup.held(meeting):
        raise ValidationError("A follow-up can only be written once the meeting has been held.")
    items = list(feedback_items)
    if any(item.meeting_id != meeting.pk for item in items):
        raise ValidationError("Choose feedback from this meeting only.")
    _refuse_names(meeting=meeting, fields={"introduction": introduction, "closing": closing})
    follow_up = FollowUp.objects.select_for_update().filter(meeting=meeting).first()
    if follow_up is None:
        follow_up = FollowUp(meeting=meeting, composed_by=by)
    elif follow_up.is_published:
        raise ValidationError(
            f"This follow-up was sent on {timezone.localtime(follow_up.published_at):%d %b %Y} "
            "and can no longer be changed."
        )
    follow_up.introduction = introduction.strip()
    follow_up.closing = closing.strip()
    follow_up.composed_by = by
    follow_up.full_clean()
    follow_up.save()
    follow_up.feedback_items.set(items)
    return follow_up


def follow_up_preview(*, follow_up: FollowUp) -> dict:
    """What guests will read, built from the current feedback and actions."""
    from . import followup

    return followup.build_content(
        meeting=follow_up.meeting, feedback_items=follow_up.feedback_items.all()
    )


@transaction.atomic
def follow_up_publish(*, follow_up: FollowUp, by: User) -> int:
    """Freeze the follow-up and queue one mail to each guest, through the outbox.

    Each guest gets it once, whatever happens: the delivery key is the meeting and the
    booking, so a second publish (a double click, a retry) queues nothing new. Records
    when it was published, for the dashboard's response rate. Returns the number of
    mails newly queued.
    """
    from outbox.models import OutboxMail
    from outbox.services import outbox_enqueue_many

    from . import followup, mails

    follow_up = (
        FollowUp.objects.select_for_update().select_related("meeting__region").get(pk=follow_up.pk)
    )
    meeting = follow_up.meeting
    if not followup.held(meeting):
        raise ValidationError("A follow-up can only be sent once the meeting has been held.")
    guests = list(followup.recipients(meeting))
    if follow_up.is_published:
        # Sent before, frozen, no longer editable: read it again with the register as it
        # is now before it reaches a guest added since (for nobody new it only hides
        # more of a text the first guests already have).
        followup.redact_frozen(follow_up=follow_up)
    else:
        if not guests:
            raise ValidationError(
                "No guest can receive this follow-up: nobody who attended (or accepted) has "
                "an email address and has not opted out."
            )
        if not follow_up.feedback_items.exists() and not meeting.actions.exists():
            raise ValidationError("Choose at least one thing customers said before sending.")
        follow_up.content = followup.build_content(
            meeting=meeting, feedback_items=follow_up.feedback_items.all()
        )
        follow_up.published_at = timezone.now()
        follow_up.published_by = by
    follow_up_check_before_sending(follow_up=follow_up)
    mails_to_guests = []
    for booking in guests:
        subject, text_body, html_body = mails.follow_up(
            content=follow_up.content,
            introduction=follow_up.introduction,
            closing=follow_up.closing,
            greeting_name=booking.contact.name,
            url=followup.guest_url(follow_up=follow_up, booking=booking),
        )
        mails_to_guests.append(
            OutboxMail(
                kind=OutboxMail.Kind.FOLLOW_UP,
                recipient=booking.contact.email,
                subject=subject[:300],
                text_body=text_body,
                html_body=html_body,
                # One per guest, ever: a guest who has it already is left alone.
                delivery_key=delivery_key("follow-up", meeting.pk, booking.pk),
                meeting=meeting,
            )
        )
    queued = outbox_enqueue_many(mails_to_guests)
    follow_up.recipients_count += queued
    follow_up.save()
    return queued

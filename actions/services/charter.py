"""Writes to the customer charter: drafts, items, publishing a version."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from feedback.models import FeedbackItem
from feedback.redaction import meeting_redactor, register_redactor

from ..models import (
    Charter,
    CharterItem,
    CharterVersion,
    ExpectationLink,
    Measure,
    MeasureValue,
)


def _refuse_if_published(version: CharterVersion) -> None:
    if version.is_published:
        raise ValidationError(
            _(
                "Version %(number)s is published and can no longer be changed. "
                "Start the next draft to revise the charter."
            )
            % {"number": version.number}
        )


@transaction.atomic
def charter_create(*, name: str, by: User, region=None, team: str = "") -> Charter:
    """Create a charter for a region or a team, with an empty first draft."""
    if region is not None and Charter.objects.filter(region=region).exists():
        raise ValidationError(
            {"region": _("%(region)s already has a charter.") % {"region": region}}
        )
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
        raise ValidationError(_("Version %(number)s is not a draft.") % {"number": version.number})
    if not version.items.exists():
        raise ValidationError(_("Add at least one item before reviewing the draft with customers."))
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
            raise ValidationError(
                _("Version %(number)s is already published.") % {"number": version.number}
            )
        raise ValidationError(
            _("Review the draft with customers (mark it reviewed) before publishing it.")
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

    if feedback_item.kind != FeedbackItem.Kind.EXPECTATION:
        raise ValidationError(_("Only feedback of kind “expectation” can be linked to a charter."))
    if item is not None and item.version.charter_id != charter.pk:
        raise ValidationError({"item": _("That item belongs to another charter.")})
    label = " ".join(label.split())
    if item is None and not label:
        label = " ".join(feedback_item.text.split())[:200]
    label = meeting_redactor(feedback_item.meeting).redact(label)
    link, _created = ExpectationLink.objects.select_for_update().get_or_create(
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
        raise ValidationError(
            _("No heard expectation with that wording is missing from the charter.")
        )
    already = group.filter(promoted_item__isnull=False).select_related("promoted_item__version")
    if already.exists():
        version = already.first().promoted_item.version
        raise ValidationError(
            _("“%(label)s” was already promoted into version %(number)s of the charter.")
            % {"label": label, "number": version.number}
        )
    draft = charter_next_draft(charter=charter, by=by)
    item = charter_item_add(
        version=draft, by=by, category=CharterItem.Category.OTHER, text=group.first().label
    )
    group.update(promoted_item=item)
    return item


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
        raise ValidationError({"month": _("A month in the future cannot be measured yet.")})
    record, _created = MeasureValue.objects.update_or_create(
        measure=measure,
        month=month_start(month),
        defaults={"value": value, "recorded_by": by},
    )
    return record

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from .context import current_user
from .models import AuditEntry

# Keys that would tie an entry to who said what under the Chatham House Rule.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"feedback_item", "feedback_item_id", "feedback_items", "speaker", "said_by", "author"}
)


def audit_record(
    *,
    actor=None,
    action: str,
    target_repr: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record who did an administrative action, and when.

    Call it inside the transaction of the action itself, so that an action rolled back
    leaves no entry. `actor` defaults to the signed-in user of the current request
    (None for the system: beat tasks, commands). `details` must be JSON-serialisable
    and never names feedback items or speakers: the log says "exported 42 items of
    meeting X", never which item came from whom.
    """
    details = dict(details or {})
    forbidden = FORBIDDEN_DETAIL_KEYS & set(details)
    if forbidden:
        raise ValueError(f"audit details may not name feedback authorship: {sorted(forbidden)}")
    if actor is None:
        actor = current_user()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    # Round-trip through Django's encoder so dates, UUIDs and Decimals are stored as text.
    details = json.loads(json.dumps(details, cls=DjangoJSONEncoder))
    entry = AuditEntry(
        actor=actor,
        actor_repr=(actor.get_username() if actor is not None else ""),
        action=action,
        target_repr=str(target_repr)[:300],
        details=details,
    )
    entry.full_clean()
    entry.save()
    return entry

"""Delivery keys: one mail per key, ever (a unique constraint on `OutboxMail`).

Every key is built here, as `<kind>:<part>:<part>…`, in Python (`delivery_key`) or as a
database expression over a queryset's columns (`delivery_key_expression`, for mail
scheduled in bulk by `outbox.services.outbox_schedule`), so the two can never disagree:
`delivery_key("reminder", 12, 34, "7d")` is the key that
`delivery_key_expression("reminder", F("meeting_id"), F("pk"), "7d")` computes for that
booking, on SQLite as on PostgreSQL.
"""

from django.db.models import CharField, Expression, F, Value
from django.db.models.functions import Cast, Concat

SEPARATOR = ":"


def delivery_key(kind: str, *parts) -> str:
    return SEPARATOR.join([kind, *(str(part) for part in parts)])


def delivery_key_expression(kind: str, *parts) -> Expression:
    """The same key as an expression: each part an expression (F(...), ...) or a constant."""
    pieces = [Value(kind)]
    for part in parts:
        pieces.append(Value(SEPARATOR))
        if isinstance(part, Expression | F):
            pieces.append(Cast(part, output_field=CharField()))
        else:
            pieces.append(Value(str(part)))
    return Concat(*pieces, output_field=CharField())

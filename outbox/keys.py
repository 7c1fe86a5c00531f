"""Delivery keys: one mail per key, ever (a unique constraint on `OutboxMail`).

Every key is built here, in Python or in SQL, as `<kind>:<part>:<part>…`, so the two
can never disagree: `delivery_key("reminder", 12, 34, "7d")` is the key that
`delivery_key_sql("reminder", "m.id", "b.id", "d.days || 'd'")` computes in the database.
"""

SEPARATOR = ":"


def delivery_key(kind: str, *parts) -> str:
    return SEPARATOR.join([kind, *(str(part) for part in parts)])


def delivery_key_sql(kind: str, *expressions: str) -> str:
    """The same key as an SQL expression over trusted column expressions (never input)."""
    if not kind.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"not a delivery key kind: {kind!r}")
    return f" || '{SEPARATOR}' || ".join([f"'{kind}'", *(f"({e})::text" for e in expressions)])

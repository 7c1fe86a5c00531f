"""Reading numbers from the query string (filters, pagination, ?meeting=, ?guest=).

``str.isdigit()`` accepts "²" and ``int()`` accepts "١٢" and " 7 "; neither suits a
primary key in an address. ``query_int`` takes plain ASCII digits within PostgreSQL's
bigint range and answers None for anything else, so a bad value is ignored rather
than raised. (NUL bytes never get this far: accounts.security.QueryStringGuardMiddleware.)
"""

BIGINT_MAX = 2**63 - 1


def query_int(value: object) -> int | None:
    """The non-negative integer ``value`` spells in ASCII digits, else None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= BIGINT_MAX else None

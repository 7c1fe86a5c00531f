"""One way to read input: every id, number, flag, choice and text a request sends.

A bad value is a form error or a 400 page, never a 500. What breaks a page otherwise:

- ids beyond 64 bits (``9223372036854775808``): SQLite raises ``OverflowError`` and
  PostgreSQL a ``DataError`` when such a number reaches a query;
- a NUL byte in text: PostgreSQL can neither store nor compare it;
- digits ``int()`` reads but an address should not ("١٢", " 7 "; ``str.isdigit()``
  even says yes to "²"), invalid dates, unknown choices, lists where one value is meant.

Two halves, used everywhere:

- **Forms**: model choice fields are `IdChoiceField` / `IdMultipleChoiceField`, which
  refuse any id that is not plain ASCII digits within PostgreSQL's bigint range before a
  query sees it (ModelForms name them in ``Meta.field_classes``). Django's ``CharField``
  already refuses NUL bytes, ``DateField`` invalid dates and ``ChoiceField`` unknown
  choices. ``tests/security/test_inputs.py`` fails for a model choice field of another
  class on any form of the project.
- **Query strings and the small POST-only actions** (a button that sends one value):
  the ``param_*`` functions below read one value from ``request.GET`` / ``request.POST``.
  Ids and numbers out of range, unknown choices and missing values give the default (a
  filter is ignored, the action finds nothing to act on); text holding a NUL byte
  raises ``BadRequest``, which Django answers with the 400 page. No view reads
  ``request.GET`` or ``request.POST`` values in any other way.
"""

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _

BIGINT_MAX = 2**63 - 1
NUL = "\x00"


def query_int(value: object) -> int | None:
    """The non-negative integer ``value`` spells in ASCII digits (within bigint), else None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value.lstrip("0")) > len(str(BIGINT_MAX)):  # int() refuses 4,300+ digits
        return None
    number = int(value)
    return number if number <= BIGINT_MAX else None


def parse_id(value: object) -> int | None:
    """A primary key: a positive integer in ASCII digits within bigint range, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= BIGINT_MAX else None
    number = query_int(value)
    return number if number else None


# --- Query strings and POST-only actions --------------------------------------------------


def param_text(data: QueryDict, name: str, default: str = "", *, max_length: int = 1000) -> str:
    """One text value, stripped of surrounding space; a NUL byte is a 400 (``BadRequest``),
    an over-long value is cut to ``max_length``."""
    value = data.get(name)
    if value is None:
        return default
    if NUL in value:
        raise BadRequest(
            _("The value of “%(name)s” contains a character that is not allowed.") % {"name": name}
        )
    return value.strip()[:max_length]


def param_choice(data: QueryDict, name: str, choices, default: str = "") -> str:
    """One of ``choices`` (values, or (value, label) pairs); anything else gives ``default``."""
    value = data.get(name)
    allowed = {c[0] if isinstance(c, tuple | list) else c for c in choices}
    return value if value in allowed else default


def param_flag(data: QueryDict, name: str, value: str = "1") -> bool:
    """True when the parameter is exactly ``value`` (a checkbox or a button)."""
    return data.get(name) == value


def param_int(
    data: QueryDict, name: str, default: int | None = None, *, minimum: int = 0, maximum=BIGINT_MAX
) -> int | None:
    """A whole number within [minimum, maximum] written in ASCII digits (a leading minus
    allowed when ``minimum`` is negative), else ``default``."""
    raw = data.get(name)
    if not isinstance(raw, str):
        return default
    negative = raw.startswith("-") and minimum < 0
    number = query_int(raw[1:] if negative else raw)
    if number is None:
        return default
    number = -number if negative else number
    return number if minimum <= number <= maximum else default


def param_id(data: QueryDict, name: str) -> int | None:
    """A primary key (``parse_id``), else None: the object is then simply not found."""
    return parse_id(data.get(name))


def param_ids(data: QueryDict, name: str, *, all_or_none: bool = False) -> list[int]:
    """Every valid primary key sent under ``name``, in order, without repeats; bad ones
    are dropped — or, with ``all_or_none``, any bad one gives [] (a list that must be
    exactly right, such as a new order of the agenda, keeps its repeats to be refused)."""
    ids: list[int] = []
    for raw in data.getlist(name):
        pk = parse_id(raw)
        if pk is None and all_or_none:
            return []
        if pk is not None and (all_or_none or pk not in ids):
            ids.append(pk)
    return ids


def param_page(data: QueryDict, name: str = "page") -> int:
    """A page number for ``Paginator.get_page`` (which turns one past the end into the
    last page); anything else is page 1."""
    return param_int(data, name, 1, minimum=1) or 1


# --- Form fields -----------------------------------------------------------------------------


def _integer_key(queryset, to_field_name) -> bool:
    field = (
        queryset.model._meta.get_field(to_field_name) if to_field_name else queryset.model._meta.pk
    )
    return isinstance(field, models.IntegerField | models.AutoField)


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose id is checked (`parse_id`) before any query runs: an id
    beyond 64 bits, negative or not in ASCII digits is "not one of the choices"."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, self.queryset.model)
            and _integer_key(self.queryset, self.to_field_name)
            and parse_id(value) is None
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose ids are checked (`parse_id`) before any query runs."""

    def _check_values(self, value):
        if _integer_key(self.queryset, self.to_field_name):
            try:
                values = frozenset(value)
            except TypeError:
                values = ()  # Django's own check says "Enter a list of values."
            for pk in values:
                if not isinstance(pk, self.queryset.model) and parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(pk).replace(NUL, "")[:40]},
                    )
        return super()._check_values(value)

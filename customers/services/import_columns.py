"""One validator per column of the customer CSV import.

The file is read by the one CSV parser (`customers.csv_io.parse`); each cell it gives is
then read here by its column's validator, which returns the value to store or raises a
`ValidationError` whose messages are shown against the row. The tables say which column
fills which field: `ORGANISATION_COLUMNS` for the organisation, `CONTACT_COLUMNS` for
the contact. An empty cell is not read (it leaves the field as it is).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries

from ..models import Contact, Facet, Organisation, Region, known_time_zones
from .common import LANGUAGE_CODES
from .register import normalise_phone

# The longest value each column may hold (the model's max_length).
MAX_LENGTHS = {"organisation": 200, "contact_name": 200, "job_title": 200, "email": 254}

_FACET_SPLIT = re.compile(r"[;|,]")
_TIER_VALUES = {
    **{value: value for value in Organisation.Tier.values},
    **{label.lower(): value for value, label in Organisation.Tier.choices},
}


@dataclass
class ColumnContext:
    """What the validators look values up in: the regions and facets by lower-case name
    (read once per file), the countries already read, and for the row being read the
    organisation's country (a phone number's default) and the contact it matches."""

    regions: dict[str, Region]
    facets: dict[str, Facet]
    country_codes: dict[str, str] = field(default_factory=dict)
    country_code: str = ""
    existing_contact: Contact | None = None


def _country_code(value: str) -> str:
    code = countries.alpha2(value)
    if not code:
        found = countries.by_name(value)
        code = found if isinstance(found, str) else ""
    return code


def text(value: str, context: ColumnContext) -> str:
    return value


def tier(value: str, context: ColumnContext) -> str:
    if value.lower() in _TIER_VALUES:
        return _TIER_VALUES[value.lower()]
    raise ValidationError(
        _("Unknown tier “%(tier)s”: use key, strategic or other.") % {"tier": value}
    )


def region(value: str, context: ColumnContext) -> Region:
    found = context.regions.get(value.lower())
    if found is None:
        raise ValidationError(
            _("Unknown region “%(region)s”. Known regions: %(regions)s.")
            % {"region": value, "regions": ", ".join(r.name for r in context.regions.values())}
        )
    return found


def country(value: str, context: ColumnContext) -> str:
    if value not in context.country_codes:
        context.country_codes[value] = _country_code(value)
    code = context.country_codes[value]
    if not code:
        raise ValidationError(
            _("Unknown country “%(country)s”: use a two-letter ISO code such as GB or DE.")
            % {"country": value}
        )
    return code


def facets(value: str, context: ColumnContext) -> frozenset[Facet]:
    wanted, unknown = set(), []
    for facet_name in filter(None, (f.strip() for f in _FACET_SPLIT.split(value))):
        facet = context.facets.get(facet_name.lower())
        if facet is None:
            unknown.append(
                _("Unknown facet “%(facet)s”. Known facets: %(facets)s.")
                % {
                    "facet": facet_name,
                    "facets": ", ".join(f.name for f in context.facets.values()),
                }
            )
        else:
            wanted.add(facet)
    if unknown:
        raise ValidationError(unknown)
    return frozenset(wanted)


def phone(value: str, context: ColumnContext) -> str:
    existing = context.existing_contact
    if existing is not None and existing.phone == value:
        return value  # stored already normalised
    try:
        return normalise_phone(value, country=context.country_code)
    except ValidationError as exc:
        raise ValidationError(exc.messages[0]) from exc


def language(value: str, context: ColumnContext) -> str:
    if value.lower() in LANGUAGE_CODES:
        return value.lower()
    raise ValidationError(
        _("Unknown language code “%(code)s”: use a code such as en or de.") % {"code": value}
    )


def time_zone(value: str, context: ColumnContext) -> str:
    if value in known_time_zones():
        return value
    raise ValidationError(
        _("Unknown time zone “%(zone)s”: use a name like Europe/Berlin.") % {"zone": value}
    )


Validator = Callable[[str, ColumnContext], object]

# Column → (the field it fills, its validator), in the order the cells are read.
ORGANISATION_COLUMNS: dict[str, tuple[str, Validator]] = {
    "tier": ("tier", tier),
    "region": ("region", region),
    "country": ("country", country),
    "facets": ("facets", facets),
    "notes": ("notes", text),
}
CONTACT_COLUMNS: dict[str, tuple[str, Validator]] = {
    "job_title": ("job_title", text),
    "phone": ("phone", phone),
    "language": ("language", language),
    "time_zone": ("time_zone", time_zone),
}


def parse_columns(
    columns: dict[str, tuple[str, Validator]],
    cells: dict[str, str],
    context: ColumnContext,
    errors: list[str],
) -> dict:
    """The fields these columns fill from a row's non-empty cells; each cell its
    validator refuses adds its messages to `errors` and fills nothing."""
    values = {}
    for column, (attribute, validate) in columns.items():
        value = cells.get(column, "")
        if not value:
            continue
        try:
            values[attribute] = validate(value, context)
        except ValidationError as exc:
            errors.extend(exc.messages)
    return values

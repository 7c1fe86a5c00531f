"""Planning a customer CSV import: every row and cell checked, nothing written. Each
column's value is read by its validator (`import_columns`); this module checks what
spans columns and rows (repeats, one organisation given twice, regions and countries,
who may touch a region) and works out what importing would change."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.csv_export import formula_start, is_formula, unwrap_neutralised

from .. import csv_io
from ..models import Contact, Facet, Organisation, Region
from .import_columns import (
    CONTACT_COLUMNS,
    MAX_LENGTHS,
    ORGANISATION_COLUMNS,
    ColumnContext,
    parse_columns,
)


@dataclass
class PlannedRow:
    line: int
    organisation: str
    contact: str
    email: str
    errors: list[str] = field(default_factory=list)
    outcome: str = ""


@dataclass
class ImportPlan:
    """What an import would do, row by row. `ok` only when no row has an error."""

    rows: list[PlannedRow]
    file_errors: list[str]
    notes: list[str]
    encoding: str = ""
    organisations_new: int = 0
    organisations_changed: int = 0
    contacts_new: int = 0
    contacts_changed: int = 0
    unchanged: int = 0
    # Applied by import_apply: organisations by lower-case name, contacts by lower-case email.
    _organisations: dict = field(default_factory=dict, repr=False)
    _contacts: dict = field(default_factory=dict, repr=False)

    @property
    def error_rows(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.error_rows

    @property
    def changes(self) -> int:
        return (
            self.organisations_new
            + self.organisations_changed
            + self.contacts_new
            + self.contacts_changed
        )

    def summary(self) -> dict:
        return {
            "organisations_new": self.organisations_new,
            "organisations_changed": self.organisations_changed,
            "contacts_new": self.contacts_new,
            "contacts_changed": self.contacts_changed,
            "rows": len(self.rows),
        }


def import_plan(*, content: bytes, editable_region_ids: frozenset[int] | None = None) -> ImportPlan:
    """Read a customer CSV and work out, row by row, what importing it would change.

    Nothing is written. Organisations are matched by name (case-insensitively) and
    contacts by email, so planning a file already imported plans no change. Every
    problem is reported against its line: a file with any error cannot be applied.
    `editable_region_ids` limits the regions rows may touch (None: every region).
    """
    try:
        parsed = csv_io.parse(content)
    except csv_io.ImportFileError as exc:
        return ImportPlan(rows=[], file_errors=[str(exc)], notes=[])
    plan = ImportPlan(rows=[], file_errors=[], notes=parsed.notes, encoding=parsed.encoding)

    context = ColumnContext(
        regions={region.name.lower(): region for region in Region.objects.all()},
        facets={facet.name.lower(): facet for facet in Facet.objects.all()},
    )
    # Country objects are costly to build: read each region's and organisation's once.
    region_countries = {
        region.pk: {str(code) for code in region.countries} for region in context.regions.values()
    }
    emails = {row.get("email", "").strip().lower() for _, row in parsed.rows} - {""}
    existing_orgs = {
        org.name.lower(): org
        for org in Organisation.objects.prefetch_related("facets").select_related("region")
    }
    existing_contacts = {}
    email_list = sorted(emails)
    for start in range(0, len(email_list), 900):
        chunk = email_list[start : start + 900]
        matches = (
            Contact.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .select_related("organisation")
        )
        for contact in matches:
            existing_contacts[contact.email.lower()] = contact

    organisations: dict[str, dict] = {}
    contacts: dict[str, dict] = {}
    seen_rows: dict[tuple, int] = {}
    seen_emails: dict[str, int] = {}

    for line, cells in parsed.rows:
        # Refuse formulas as written in the file; a cell our export neutralised ('=…) is
        # plain text and reads back as the value it stood for.
        formulas = [column for column, value in cells.items() if is_formula(value)]
        raw_cells = cells
        cells = {key: unwrap_neutralised(value).strip() for key, value in cells.items()}
        name = cells.get("organisation", "")
        row = PlannedRow(
            line=line,
            organisation=name,
            contact=cells.get("contact_name", ""),
            email=cells.get("email", ""),
        )
        plan.rows.append(row)
        errors = row.errors

        for column in formulas:
            errors.append(
                _(
                    "The %(column)s cell starts with %(start)s, which spreadsheets run as a "
                    "formula; remove that character."
                )
                % {
                    "column": csv_io.HEADER_LABELS[column],
                    "start": formula_start(raw_cells[column]),
                }
            )
        for column, limit in MAX_LENGTHS.items():
            if len(cells.get(column, "")) > limit:
                errors.append(
                    _("The %(column)s is longer than %(limit)s characters.")
                    % {"column": csv_io.HEADER_LABELS[column], "limit": limit}
                )
        key = tuple(sorted(cells.items()))
        if key in seen_rows:
            errors.append(_("This row repeats line %(line)s.") % {"line": seen_rows[key]})
            continue
        seen_rows[key] = line
        if not name:
            errors.append(_("The organisation name is missing."))
            continue

        # Organisation fields.
        org_key = name.lower()
        given = parse_columns(ORGANISATION_COLUMNS, cells, context, errors)
        region_name = cells.get("region", "")
        country = cells.get("country", "")

        entry = organisations.get(org_key)
        if entry is None:
            entry = organisations[org_key] = {
                "line": line,
                "name": name,
                "existing": existing_orgs.get(org_key),
                "given": {},
            }
            entry["existing_country"] = (
                str(entry["existing"].country) if entry["existing"] is not None else ""
            )
        for attr, value in given.items():
            previous = entry["given"].get(attr)
            if previous is not None and previous != value:
                errors.append(
                    _("The %(field)s differs from the one given for “%(name)s” on line %(line)s.")
                    % {"field": attr, "name": name, "line": entry["line"]}
                )
            else:
                entry["given"][attr] = value
        existing_org = entry["existing"]
        region = entry["given"].get("region") or (existing_org.region if existing_org else None)
        country_code = entry["given"].get("country") or entry["existing_country"]
        if existing_org is None:
            if "region" not in entry["given"] and region_name == "":
                errors.append(
                    _("A region is needed for the new organisation “%(name)s”.") % {"name": name}
                )
            if "country" not in entry["given"] and country == "":
                errors.append(
                    _("A country is needed for the new organisation “%(name)s”.") % {"name": name}
                )
        if (
            region is not None
            and country_code
            and region_countries.get(region.pk)
            and country_code not in region_countries[region.pk]
        ):
            errors.append(
                _("%(country)s is not one of the countries of the region %(region)s.")
                % {"country": countries.name(country_code) or country_code, "region": region.name}
            )
        if editable_region_ids is not None:
            for candidate in {region, existing_org.region if existing_org else None} - {None}:
                if candidate.pk not in editable_region_ids:
                    errors.append(
                        _(
                            "You do not lead the region %(region)s; ask an administrator "
                            "or that region's leader to import this row."
                        )
                        % {"region": candidate.name}
                    )

        # Contact fields.
        contact_columns = ("contact_name", "email", "job_title", "phone", "language", "time_zone")
        if not any(cells.get(column) for column in contact_columns):
            continue
        email = cells.get("email", "")
        contact_name = cells.get("contact_name", "")
        if not contact_name:
            errors.append(_("The contact name is missing."))
        if not email:
            errors.append(_("The contact's email is missing (contacts are matched by email)."))
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("“%(email)s” is not a valid email address.") % {"email": email})
            continue
        email_key = email.lower()
        if email_key in seen_emails:
            errors.append(
                _("The email %(email)s is already on line %(line)s.")
                % {"email": email, "line": seen_emails[email_key]}
            )
            continue
        seen_emails[email_key] = line
        existing_contact = existing_contacts.get(email_key)
        context.country_code, context.existing_contact = country_code, existing_contact
        contact_values = {
            "name": contact_name,
            **parse_columns(CONTACT_COLUMNS, cells, context, errors),
        }
        if existing_contact is not None and existing_contact.is_front_line_staff:
            errors.append(
                _("%(email)s already belongs to one of our front-line staff.") % {"email": email}
            )
        elif existing_contact is not None and existing_contact.organisation.name.lower() != org_key:
            errors.append(
                _("%(email)s already belongs to a contact at %(organisation)s.")
                % {"email": email, "organisation": existing_contact.organisation.name}
            )
        contacts[email_key] = {
            "row": row,
            "org_key": org_key,
            "email": email,
            "existing": existing_contact,
            "values": contact_values,
        }

    if not plan.ok:
        return plan

    # Work out the changes (no errors anywhere, so every reference resolved).
    org_outcomes: dict[str, str] = {}
    for org_key, entry in organisations.items():
        existing_org, given = entry["existing"], entry["given"]
        if existing_org is None:
            entry["changes"] = "new"
            plan.organisations_new += 1
            org_outcomes[org_key] = _("new organisation")
            continue
        changed = [
            attr
            for attr, value in given.items()
            if (
                set(existing_org.facets.all()) != set(value)
                if attr == "facets"
                else (
                    entry["existing_country"] != value
                    if attr == "country"
                    else getattr(existing_org, attr) != value
                )
            )
        ]
        entry["changes"] = changed
        if changed:
            plan.organisations_changed += 1
            org_outcomes[org_key] = _("organisation: %(fields)s updated") % {
                "fields": ", ".join(changed)
            }
    for entry in contacts.values():
        existing_contact = entry["existing"]
        if existing_contact is None:
            entry["changes"] = "new"
            plan.contacts_new += 1
            entry["row"].outcome = _("new contact")
            continue
        changed = [
            attr
            for attr, value in entry["values"].items()
            if getattr(existing_contact, attr) != value
        ]
        entry["changes"] = changed
        if changed:
            plan.contacts_changed += 1
            entry["row"].outcome = _("contact: %(fields)s updated") % {
                "fields": ", ".join(changed).replace("_", " ")
            }
    first_rows: dict[str, PlannedRow] = {}
    for row in plan.rows:
        first_rows.setdefault(row.organisation.lower(), row)
    for org_key, outcome in org_outcomes.items():
        row = first_rows[org_key]
        row.outcome = f"{outcome}; {row.outcome}" if row.outcome else outcome
    for row in plan.rows:
        if not row.outcome:
            row.outcome = _("unchanged")
            plan.unchanged += 1
    plan._organisations = organisations
    plan._contacts = contacts
    return plan

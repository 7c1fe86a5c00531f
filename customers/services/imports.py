"""The CSV import: planning (every row and cell checked, nothing written) and applying it."""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.csv_export import formula_start, is_formula, unwrap_neutralised

from .. import csv_io
from ..models import Contact, CustomerImport, Facet, Organisation, Region, known_time_zones
from ..signals import customers_imported
from .common import LANGUAGE_CODES
from .register import normalise_phone

_FACET_SPLIT = re.compile(r"[;|,]")
_TIER_VALUES = {
    **{value: value for value in Organisation.Tier.values},
    **{label.lower(): value for value, label in Organisation.Tier.choices},
}
_MAX_LENGTHS = {"organisation": 200, "contact_name": 200, "job_title": 200, "email": 254}


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


def _country_code(value: str) -> str:
    code = countries.alpha2(value)
    if not code:
        found = countries.by_name(value)
        code = found if isinstance(found, str) else ""
    return code


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

    regions = {region.name.lower(): region for region in Region.objects.all()}
    # Country objects are costly to build: read each region's and organisation's once.
    region_countries = {
        region.pk: {str(code) for code in region.countries} for region in regions.values()
    }
    country_codes: dict[str, str] = {}
    facets = {facet.name.lower(): facet for facet in Facet.objects.all()}
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
        for column, limit in _MAX_LENGTHS.items():
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
        given: dict = {}
        tier = cells.get("tier", "")
        if tier:
            if tier.lower() in _TIER_VALUES:
                given["tier"] = _TIER_VALUES[tier.lower()]
            else:
                errors.append(
                    _("Unknown tier “%(tier)s”: use key, strategic or other.") % {"tier": tier}
                )
        region_name = cells.get("region", "")
        if region_name:
            region = regions.get(region_name.lower())
            if region is None:
                errors.append(
                    _("Unknown region “%(region)s”. Known regions: %(regions)s.")
                    % {
                        "region": region_name,
                        "regions": ", ".join(r.name for r in regions.values()),
                    }
                )
            else:
                given["region"] = region
        country = cells.get("country", "")
        if country:
            if country not in country_codes:
                country_codes[country] = _country_code(country)
            code = country_codes[country]
            if code:
                given["country"] = code
            else:
                errors.append(
                    _("Unknown country “%(country)s”: use a two-letter ISO code such as GB or DE.")
                    % {"country": country}
                )
        facet_cell = cells.get("facets", "")
        if facet_cell:
            wanted = set()
            for facet_name in filter(None, (f.strip() for f in _FACET_SPLIT.split(facet_cell))):
                facet = facets.get(facet_name.lower())
                if facet is None:
                    errors.append(
                        _("Unknown facet “%(facet)s”. Known facets: %(facets)s.")
                        % {
                            "facet": facet_name,
                            "facets": ", ".join(f.name for f in facets.values()),
                        }
                    )
                else:
                    wanted.add(facet)
            given["facets"] = frozenset(wanted)
        if cells.get("notes"):
            given["notes"] = cells["notes"]

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
        contact_values: dict = {"name": contact_name}
        if cells.get("job_title"):
            contact_values["job_title"] = cells["job_title"]
        existing_contact = existing_contacts.get(email_key)
        phone = cells.get("phone", "")
        if phone and existing_contact is not None and existing_contact.phone == phone:
            contact_values["phone"] = phone  # stored already normalised
        elif phone:
            try:
                contact_values["phone"] = normalise_phone(phone, country=country_code)
            except ValidationError as exc:
                errors.append(exc.messages[0])
        language = cells.get("language", "")
        if language:
            if language.lower() in LANGUAGE_CODES:
                contact_values["language"] = language.lower()
            else:
                errors.append(
                    _("Unknown language code “%(code)s”: use a code such as en or de.")
                    % {"code": language}
                )
        time_zone = cells.get("time_zone", "")
        if time_zone:
            if time_zone in known_time_zones():
                contact_values["time_zone"] = time_zone
            else:
                errors.append(
                    _("Unknown time zone “%(zone)s”: use a name like Europe/Berlin.")
                    % {"zone": time_zone}
                )
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


class ImportRejected(Exception):
    def __init__(self, plan: ImportPlan, message: str = ""):
        self.plan = plan
        super().__init__(message or _("The file has errors; nothing was imported."))


def import_apply(
    *, content: bytes, editable_region_ids: frozenset[int] | None = None
) -> ImportPlan:
    """Import a customer CSV: everything or nothing, in one transaction.

    The file is planned again inside the transaction (the customers may have changed
    since the preview); any error rejects the whole file and writes nothing. Importing
    the same file again changes nothing.
    """
    try:
        with transaction.atomic():
            plan = import_plan(content=content, editable_region_ids=editable_region_ids)
            if not plan.ok:
                raise ImportRejected(plan)
            _write(plan)
    except IntegrityError as exc:
        raise ImportRejected(
            plan,
            _(
                "Someone changed the same customers while this file was being imported; nothing "
                "was imported. Upload the file again to see the new preview."
            ),
        ) from exc
    return plan


def _write(plan: ImportPlan) -> None:
    # Every value was validated by import_plan (lengths, choices, email, phone, time zone,
    # country, references); the database enforces uniqueness. No per-row full_clean here:
    # it would re-validate 10,000 rows field by field for nothing.
    now = timezone.now()
    new_orgs = []
    for entry in plan._organisations.values():
        if entry["changes"] == "new":
            given = entry["given"]
            org = Organisation(
                name=entry["name"],
                tier=given.get("tier", Organisation.Tier.KEY),
                region=given["region"],
                country=given["country"],
                notes=given.get("notes", ""),
                created_at=now,
                updated_at=now,
            )
            entry["existing"] = org
            new_orgs.append(org)
    Organisation.objects.bulk_create(new_orgs, batch_size=500)

    changed_orgs = []
    facet_links = []
    facet_resets = []
    for entry in plan._organisations.values():
        org, given, changes = entry["existing"], entry["given"], entry["changes"]
        if changes != "new":
            for attr in changes:
                if attr != "facets":
                    setattr(org, attr, given[attr])
            if [c for c in changes if c != "facets"]:
                org.updated_at = now
                changed_orgs.append(org)
        if "facets" in given and (changes == "new" or "facets" in changes):
            if changes != "new":
                facet_resets.append(org.pk)
            facet_links.extend(
                Organisation.facets.through(organisation_id=org.pk, facet_id=facet.pk)
                for facet in given["facets"]
            )
    if changed_orgs:
        Organisation.objects.bulk_update(
            changed_orgs, ["tier", "region", "country", "notes", "updated_at"], batch_size=500
        )
    through = Organisation.facets.through
    for start in range(0, len(facet_resets), 500):
        through.objects.filter(organisation_id__in=facet_resets[start : start + 500]).delete()
    through.objects.bulk_create(facet_links, batch_size=1000)

    new_contacts, changed_contacts = [], []
    for entry in plan._contacts.values():
        org = plan._organisations[entry["org_key"]]["existing"]
        if entry["changes"] == "new":
            contact = Contact(
                organisation=org,
                email=entry["email"],
                created_at=now,
                updated_at=now,
                **entry["values"],
            )
            new_contacts.append(contact)
        elif entry["changes"]:
            contact = entry["existing"]
            for attr in entry["changes"]:
                setattr(contact, attr, entry["values"][attr])
            contact.updated_at = now
            changed_contacts.append(contact)
    Contact.objects.bulk_create(new_contacts, batch_size=1000)
    if changed_contacts:
        Contact.objects.bulk_update(
            changed_contacts,
            ["name", "job_title", "phone", "language", "time_zone", "updated_at"],
            batch_size=1000,
        )


def customer_import_upload(*, user, filename: str, content: bytes) -> CustomerImport:
    """Keep an uploaded file until its preview is confirmed; stale uploads are dropped."""
    CustomerImport.objects.filter(
        applied_at__isnull=True, created_at__lt=timezone.now() - dt.timedelta(days=1)
    ).delete()
    return CustomerImport.objects.create(
        uploaded_by=user,
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def customer_import_confirm(
    *, customer_import: CustomerImport, editable_region_ids: frozenset[int] | None
) -> ImportPlan:
    """Apply a previewed upload once, then wipe its bytes (they may name people).

    Sends `signals.customers_imported` in the same transaction (the audit log's entry)."""
    with transaction.atomic():
        plan = import_apply(
            content=bytes(customer_import.content), editable_region_ids=editable_region_ids
        )
        customer_import.applied_at = timezone.now()
        customer_import.content = b""
        customer_import.summary = plan.summary()
        customer_import.save(update_fields=["applied_at", "content", "summary"])
        customers_imported.send(
            sender=CustomerImport, customer_import=customer_import, summary=plan.summary()
        )
    return plan


def max_import_bytes() -> int:
    return settings.MAX_IMPORT_BYTES

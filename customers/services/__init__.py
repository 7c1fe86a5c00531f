"""Writes to customers: organisations, contacts, erasure and CSV import."""

from .common import ERASED_NAME, LANGUAGE_CODES
from .import_plan import ImportPlan, PlannedRow, import_plan
from .imports import (
    ImportRejected,
    customer_import_confirm,
    customer_import_upload,
    import_apply,
    max_import_bytes,
)
from .register import contact_erase, contact_save, normalise_phone, organisation_save

__all__ = [
    "ERASED_NAME",
    "ImportPlan",
    "ImportRejected",
    "LANGUAGE_CODES",
    "PlannedRow",
    "contact_erase",
    "contact_save",
    "customer_import_confirm",
    "customer_import_upload",
    "import_apply",
    "import_plan",
    "max_import_bytes",
    "normalise_phone",
    "organisation_save",
]

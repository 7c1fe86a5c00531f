"""Customer pages: thin views; the rules decide, the services write, templates render."""

from .contacts import contact_create, contact_edit, contact_erase
from .imports import import_confirm, import_preview, import_upload
from .organisations import (
    customer_export,
    customer_list,
    invite_next,
    organisation_create,
    organisation_detail,
    organisation_edit,
)

__all__ = [
    "contact_create",
    "contact_edit",
    "contact_erase",
    "customer_export",
    "customer_list",
    "import_confirm",
    "import_preview",
    "import_upload",
    "invite_next",
    "organisation_create",
    "organisation_detail",
    "organisation_edit",
]

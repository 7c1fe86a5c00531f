"""Capture pages: thin views; the rules decide, the services write, templates render."""

from .capture import (
    CLIENT_HEADER,
    capture,
    capture_items_partial,
    capture_older,
    capture_post,
    capture_section,
)
from .export import export_csv, guest_qr
from .guests import guest_comment
from .items import item_delete, item_edit

__all__ = [
    "CLIENT_HEADER",
    "capture",
    "capture_items_partial",
    "capture_older",
    "capture_post",
    "capture_section",
    "export_csv",
    "guest_comment",
    "guest_qr",
    "item_delete",
    "item_edit",
]

"""Signals other apps listen to, so customers never has to know about them."""

from django.dispatch import Signal

# Sent inside the erasure transaction with `contact`, and the `email` and `name` it had,
# so that an app holding a copy (queued mail, for instance) can scrub it too.
contact_erased = Signal()

# Sent inside the import's transaction once a previewed CSV is applied, with
# `customer_import` (its file name, who uploaded it) and `summary` (counts only), so that
# the audit log records every import.
customers_imported = Signal()

"""Who may do what with customers.

Administrators and leaders create and edit; a leader only edits organisations (and
their contacts) in the regions they lead. Facilitators and executives read. Executives
never see a contact's personal details: they work with organisations only.
"""

import rules

from accounts.rules import has_any_role, is_administrator, is_facilitator, is_leader


def led_region_ids(user) -> frozenset[int]:
    """Ids of the regions the user leads, read once per request-bound user object."""
    cached = getattr(user, "_led_region_ids", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False):
            cached = frozenset()
        else:
            cached = frozenset(user.led_regions.values_list("id", flat=True))
        user._led_region_ids = cached
    return cached


def _region_id(obj) -> int | None:
    # An Organisation, a Contact (through its organisation) or a Region.
    if obj is None:
        return None
    if hasattr(obj, "organisation_id") and not hasattr(obj, "region_id"):
        obj = obj.organisation
    if hasattr(obj, "region_id"):
        return obj.region_id
    return obj.pk


@rules.predicate
def leads_region_of(user, obj) -> bool:
    """True when the user leads the region of the object (without an object: any region)."""
    if obj is None:
        return bool(led_region_ids(user))
    return _region_id(obj) in led_region_ids(user)


can_edit_customers = is_administrator | (is_leader & leads_region_of)
# Contact details (names, emails, phones) are for the people who invite and host guests.
can_see_contact_details = is_administrator | is_leader | is_facilitator

rules.add_perm("customers.view_organisation", has_any_role)
rules.add_perm("customers.add_organisation", is_administrator | (is_leader & leads_region_of))
rules.add_perm("customers.change_organisation", can_edit_customers)
rules.add_perm("customers.view_contact", can_see_contact_details)
rules.add_perm("customers.add_contact", can_edit_customers)
rules.add_perm("customers.change_contact", can_edit_customers)
rules.add_perm("customers.erase_contact", can_edit_customers)
rules.add_perm("customers.import_customers", is_administrator | (is_leader & leads_region_of))
rules.add_perm("customers.export_customers", has_any_role)
rules.add_perm("customers.book_contact", can_edit_customers)

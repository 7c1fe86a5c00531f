"""Who may do what with customers.

Administrators and leaders create and edit; a leader only edits organisations (and
their contacts) in the regions they lead. Every role reads organisations.

Contact details (names, emails, phones, job titles) follow least access:
- administrators: every contact;
- leaders: the contacts of the regions they lead, and the guests of meetings they own
  or co-own or that take place in a region they lead (the region's leaders answer for
  its meetings: they read its invitations and outbox);
- facilitators: the guests of meetings they facilitate;
- executives: none — they work with organisations only.
Front-line staff invited like guests (contacts without organisation) belong to no region:
they are read through the meetings they are booked into, exactly as guests are.
`contact_scope` says it as a filter for lists and exports, `customers.view_contact`
for one contact (without a contact: may the user see any contact's details at all).
"""

import rules
from django.db.models import Q

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
    # An Organisation, a Contact (through its organisation) or a Region. Front-line
    # staff (a contact without organisation) are in no region: only their bookings let a
    # leader or facilitator read them, as for any guest (contact_scope).
    if obj is None:
        return None
    if hasattr(obj, "organisation_id") and not hasattr(obj, "region_id"):
        if obj.organisation_id is None:
            return None
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


def contact_scope(user) -> Q | None:
    """The contacts whose details `user` may see, as a filter on Contact (it joins their
    bookings: filter with ``pk__in`` a subquery to avoid repeats); None: every contact.

    Bookings are read through string lookups, so customers imports nothing of meetings."""
    if is_administrator(user):
        return None
    scope = Q(pk__in=[])
    if is_leader(user):
        scope |= (
            Q(organisation__region_id__in=led_region_ids(user))
            | Q(bookings__meeting__owner=user)
            | Q(bookings__meeting__co_owners=user)
            | Q(bookings__meeting__region_id__in=led_region_ids(user))
        )
    if is_facilitator(user):
        scope |= Q(bookings__meeting__facilitators=user)
    return scope


def contacts_in_scope(queryset, user):
    """`queryset` (of Contact) cut to the contacts whose details `user` may see."""
    scope = contact_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(pk__in=queryset.model.objects.filter(scope).values("pk"))


@rules.predicate
def contact_in_scope(user, contact) -> bool:
    """The contact is within `contact_scope` (without a contact: the role decides)."""
    if contact is None:
        return True
    if is_leader(user) and _region_id(contact) in led_region_ids(user):
        return True
    return contacts_in_scope(type(contact).objects.filter(pk=contact.pk), user).exists()


can_edit_customers = is_administrator | (is_leader & leads_region_of)
# Contact details are for the people who invite and host guests, within their scope.
can_see_contact_details = is_administrator | ((is_leader | is_facilitator) & contact_in_scope)

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

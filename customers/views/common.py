"""What the customer pages share: the permission check, the regions a user may import
into, the list filter, an organisation or 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role

from .. import selectors
from ..forms import CustomerFilterForm
from ..models import Organisation
from ..rules import contact_scope, led_region_ids

PAGE_SIZE = 25


def _require(request, permission: str, obj=None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _editable_region_ids(user) -> frozenset[int] | None:
    """None for administrators (every region), else the regions the user leads."""
    return None if user.has_role(Role.ADMINISTRATOR) else led_region_ids(user)


def _filter_form(request) -> CustomerFilterForm:
    return CustomerFilterForm(
        request.GET or None,
        search_contacts=request.user.has_perm("customers.view_contact"),
        contact_scope=contact_scope(request.user),
    )


def _organisation_or_404(pk: int) -> Organisation:
    try:
        return selectors.organisation_detail(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404("No such organisation.") from exc

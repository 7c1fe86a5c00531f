from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.params import param_choice, param_page

from .models import AuditEntry
from .selectors import audit_entry_list


@require_safe
@login_required
def entry_list(request):
    if not request.user.has_perm("audit.view_auditentry"):
        raise PermissionDenied
    action = param_choice(request.GET, "action", AuditEntry.Action.values)
    page = Paginator(audit_entry_list(action=action), 50).get_page(param_page(request.GET))
    context = {
        "page": page,
        "action": action,
        "action_label": AuditEntry.Action(action).label if action else "",
        "actions": AuditEntry.Action.choices,
    }
    template = "audit/list.html#entries" if request.htmx else "audit/list.html"
    return render(request, template, context)

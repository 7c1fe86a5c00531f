import rules
from django import template

from feedback.rows import item_row as render_item_row

register = template.Library()


@register.simple_tag(takes_context=True)
def item_row(context, item):
    """One captured item (feedback.rows), with what the page's context allows."""
    # Asked once per render, however many rows: the permission does not depend on the item.
    memo = context.render_context
    if "capture_can_add_action" not in memo:
        user = context.get("user")
        memo["capture_can_add_action"] = bool(user and user.has_perm("actions.add_action"))
        # "Recover now": the meeting's facilitators and leader while it is open (the
        # permission set itself, as the view checks it: no superuser shortcut).
        memo["capture_can_recover"] = bool(
            user and rules.has_perm("actions.recover_now", user, context.get("meeting"))
        )
    return render_item_row(
        item,
        can_capture=bool(context.get("can_capture")),
        can_add_action=memo["capture_can_add_action"],
        can_recover=memo["capture_can_recover"],
        csrf_token=str(context.get("csrf_token") or ""),
    )

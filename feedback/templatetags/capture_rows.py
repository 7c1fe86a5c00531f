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
    return render_item_row(
        item,
        can_capture=bool(context.get("can_capture")),
        can_add_action=memo["capture_can_add_action"],
        csrf_token=str(context.get("csrf_token") or ""),
    )

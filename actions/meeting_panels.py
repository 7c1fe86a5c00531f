"""The "Actions and follow-up" panel of the meeting page (see meetings.panels: the
template receives this dict as `panel`). Its query count does not grow with the data."""

from django.utils import timezone
from django.utils.translation import gettext as _

from . import followup, selectors


def meeting_panels(*, meeting, user) -> list[dict]:
    if not user.has_perm("actions.view_action_list"):
        return []
    actions = list(selectors.actions_base().filter(meeting=meeting))
    held = followup.held(meeting)
    # Before the meeting is held there is no follow-up to look for.
    follow_up = selectors.follow_up_for(meeting) if held else None
    return [
        {
            "template": "actions/meeting_panel.html",
            "title": _("Actions and follow-up"),
            "meeting": meeting,
            "actions": actions,
            "today": timezone.localdate(),
            "can_add": user.has_perm("actions.add_action_to_meeting", meeting),
            "follow_up": follow_up,
            "held": held,
            "can_send": user.has_perm("actions.send_follow_up", meeting),
        }
    ]

"""The invitation panel on the meeting page (rendered by the meetings app)."""

from django.utils.translation import gettext as _

from .selectors import invitation_overview


def meeting_panels(*, meeting, user) -> list[dict]:
    if not user.has_perm("invitations.send_invitation", meeting):
        return []
    return [
        {
            "template": "invitations/_meeting_panel.html",
            "title": _("Invitations and mail"),
            "meeting": meeting,
            **invitation_overview(meeting=meeting),
        }
    ]

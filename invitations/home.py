"""The leader's home: their next meetings, once each, with where the answers stand."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from meetings.home import next_meeting_now

from .selectors import upcoming_with_answers


def home_sections(*, role: str, user) -> list[dict]:
    if role != Role.LEADER.value:
        return []
    meetings = upcoming_with_answers(user=user)
    now = next_meeting_now(meetings[0]) if meetings else []
    # A guest of a meeting already under way is no longer an answer to wait for.
    started = timezone.now()
    pending = sum(m.pending for m in meetings if m.starts_at > started)
    if pending:
        label = ngettext("answer awaited from a guest", "answers awaited from guests", pending)
        now.append(
            {"value": pending, "label": label, "href": "#home-meetings-heading", "order": 20}
        )
    return [
        {
            "template": "invitations/_home_upcoming.html",
            "meetings": meetings,
            "now": now,
            "anchor": "home-meetings-heading",
            "title": _("Your next meetings"),
        }
    ]

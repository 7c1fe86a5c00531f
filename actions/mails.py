"""The wording of the mails actions send: overdue reminders and "you said, we did"."""

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from . import followup, guest_page
from .models import Action


def action_reminder(*, action: Action, today: dt.date) -> tuple[str, str, str]:
    """Subject, text and HTML of the reminder to an overdue action's owner."""
    context = {
        "action": action,
        "days_late": (today - action.due_date).days,
        "url": settings.SITE_URL + reverse("actions:detail", args=[action.pk]),
    }
    subject = f"Overdue action: {action.title}"
    return (
        subject,
        render_to_string("actions/mail/action_reminder.txt", context),
        render_to_string("actions/mail/action_reminder.html", context),
    )


def follow_up(
    *,
    content: dict,
    introduction: str,
    closing: str,
    greeting_name: str,
    url: str,
    language: str | None = None,
):
    """Subject, text and HTML of one guest's "you said, we did" mail, in `language` (the
    guest's, meetings.language.guest_language; None: the active one).

    The greeting carries the recipient's own name only; the rest is the same for
    every guest and names nobody. The leader's introduction and closing stay as written.
    """
    with translation.override(language or translation.get_language()):
        context = {
            "content": followup.present(content),
            "introduction": introduction,
            "closing": closing,
            "greeting_name": greeting_name,
            "url": url,
        }
        subject = gettext("You said, we did: {meeting}").format(meeting=content["meeting"])
        return (
            subject,
            render_to_string("actions/mail/follow_up.txt", context),
            render_to_string("actions/mail/follow_up.html", context),
        )


def follow_up_update(*, follow_up, greeting_name: str, url: str, language: str | None = None):
    """Subject, text and HTML of the one update a guest gets when everything from their
    meeting is closed (actions.guest_page.update_is_due): how each action ended, read
    live and redacted like the page the link opens."""
    with translation.override(language or translation.get_language()):
        content = guest_page.standing_content(follow_up=follow_up)
        context = {"content": content, "greeting_name": greeting_name, "url": url}
        subject = gettext("Update — everything from {meeting} is closed").format(
            meeting=content["meeting"]
        )
        return (
            subject,
            render_to_string("actions/mail/follow_up_update.txt", context),
            render_to_string("actions/mail/follow_up_update.html", context),
        )

"""Turning an outbox row into an email message, and the opt-out link."""

import hashlib

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext

from meetings.language import contact_for_address, guest_language

from .models import OutboxMail

OPT_OUT_SALT = "outbox.opt_out"


def opt_out_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=OPT_OUT_SALT, compress=True)


def opt_out_email(token: str) -> str | None:
    try:
        return signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None


def opt_out_url(email: str) -> str:
    return settings.SITE_URL + reverse("outbox:opt_out", args=[opt_out_token(email)])


def message_id(mail: OutboxMail) -> str:
    """A Message-ID derived from the delivery key: the same mail always has the same id,
    so a mail client can recognise a copy."""
    digest = hashlib.sha256(mail.delivery_key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "open-chair"
    return f"<{digest}@{domain}>"


def message_bodies(mail: OutboxMail, *, contact=None) -> tuple[str, str]:
    """The text and HTML bodies as sent: non-essential mail ends with the opt-out link,
    in the recipient's language (meetings.language; `contact`, when the caller has
    already read it, saves looking the address up)."""
    text, html = mail.text_body, mail.html_body
    if mail.is_non_essential:
        url = opt_out_url(mail.recipient)
        contact = contact or contact_for_address(mail.recipient)
        meeting = mail.meeting if mail.meeting_id else None
        with translation.override(guest_language(contact=contact, meeting=meeting)):
            text_line = gettext(
                "To receive no more reminders, thank-yous or follow-ups from us: {url}"
            ).format(url=url)
            html_line = format_html(
                gettext(
                    "To receive no more reminders, thank-yous or follow-ups from us, "
                    '<a href="{url}">opt out here</a>.'
                ),
                url=url,
            )
        text = f"{text.rstrip()}\n\n--\n{text_line}\n"
        if html:
            html = f'{html}\n<p style="font-size:12px;color:#555">{html_line}</p>'
    return text, html


def build_message(mail: OutboxMail, *, contact=None) -> EmailMultiAlternatives:
    text, html = message_bodies(mail, contact=contact)
    headers = {"Message-ID": message_id(mail), "X-Open-Chair-Delivery": mail.delivery_key}
    if mail.is_non_essential:
        headers["List-Unsubscribe"] = f"<{opt_out_url(mail.recipient)}>"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.recipient],
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in mail.attachment_tuples():
        if mimetype.startswith("text/calendar") and "method=" in mimetype:
            # An iTIP request or cancellation also goes inline, as an alternative of the
            # body: that part is what makes Outlook and Gmail show a meeting request.
            text = content.decode() if isinstance(content, bytes) else content
            message.attach_alternative(text, mimetype)
        message.attach(filename, content, mimetype)
    return message

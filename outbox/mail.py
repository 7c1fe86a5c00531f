"""Turning an outbox row into an email message, and the opt-out link."""

import hashlib

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

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


def message_bodies(mail: OutboxMail) -> tuple[str, str]:
    """The text and HTML bodies as sent: non-essential mail ends with the opt-out link."""
    text, html = mail.text_body, mail.html_body
    if mail.is_non_essential:
        url = opt_out_url(mail.recipient)
        text = (
            f"{text.rstrip()}\n\n--\nTo receive no more reminders, thank-yous or "
            f"follow-ups from us: {url}\n"
        )
        if html:
            html = (
                f'{html}\n<p style="font-size:12px;color:#555">To receive no more reminders, '
                f'thank-yous or follow-ups from us, <a href="{url}">opt out here</a>.</p>'
            )
    return text, html


def build_message(mail: OutboxMail) -> EmailMultiAlternatives:
    text, html = message_bodies(mail)
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

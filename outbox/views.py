from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import param_choice, param_id, param_page, param_text
from accounts.ratelimits import rate_limit
from meetings.language import contact_for_address, for_guest, guest_translation
from meetings.models import Meeting

from .mail import opt_out_email
from .models import OutboxMail
from .selectors import mail_status_text, outbox_meeting_summary, outbox_visible_to
from .services import outbox_opt_out, outbox_preview, outbox_retry


def _visible_mail(request, pk: int) -> OutboxMail:
    if not request.user.has_perm("outbox.view_outbox"):
        raise PermissionDenied
    mail = get_object_or_404(OutboxMail.objects.select_related("meeting"), pk=pk)
    if not request.user.has_perm("outbox.view_mail", mail):
        raise Http404
    return mail


@login_required
@require_safe
def mail_list(request):
    if not request.user.has_perm("outbox.view_outbox"):
        raise PermissionDenied
    mails = outbox_visible_to(user=request.user)
    meeting = None
    if (meeting_pk := param_id(request.GET, "meeting")) is not None:
        meeting = Meeting.objects.filter(pk=meeting_pk).first()
        if meeting is None or not request.user.has_perm("outbox.view_meeting_mail", meeting):
            raise Http404
        mails = mails.filter(meeting=meeting)
    status = param_choice(request.GET, "status", OutboxMail.Status.values)
    if status:
        mails = mails.filter(status=status)
    kind = param_choice(request.GET, "kind", OutboxMail.Kind.values)
    if kind:
        mails = mails.filter(kind=kind)
    page = Paginator(mails.order_by("-created_at", "-pk"), 50).get_page(param_page(request.GET))
    rows = [{"mail": mail, "status_text": mail_status_text(mail)} for mail in page]
    context = {
        "page_obj": page,
        "rows": rows,
        "meeting": meeting,
        "summary": [
            (status, OutboxMail.Status(status).label, count)
            for status, count in outbox_meeting_summary(meeting=meeting).items()
        ]
        if meeting
        else None,
        "status": status,
        "kind": kind,
        "statuses": OutboxMail.Status.choices,
        "kinds": OutboxMail.Kind.choices,
    }
    return render(request, "outbox/list.html", context)


@login_required
@require_safe
def mail_detail(request, pk: int):
    mail = _visible_mail(request, pk)
    preview, text, html = outbox_preview(mail=mail)
    context = {
        "mail": preview,
        "text": text,
        "has_html": bool(html),
        "status_text": mail_status_text(mail),
        # Back to the list this mail was opened from: its meeting's mails when it has one.
        "back_url": reverse("outbox:list")
        + (f"?meeting={mail.meeting_id}" if mail.meeting_id else ""),
        "attachments": [
            {"filename": a["filename"], "mimetype": a["mimetype"]} for a in preview.attachments
        ],
    }
    return render(request, "outbox/detail.html", context)


@login_required
@require_safe
@xframe_options_sameorigin
def mail_html(request, pk: int):
    """The HTML part alone, for the preview frame: no scripts, nothing fetched."""
    mail = _visible_mail(request, pk)
    _preview, _text, html = outbox_preview(mail=mail)
    response = HttpResponse(html or format_html("<p>{}</p>", _("This mail has no HTML part.")))
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    )
    return response


@login_required
@require_POST
def mail_retry(request, pk: int):
    mail = _visible_mail(request, pk)
    if not request.user.has_perm("outbox.retry_mail", mail):
        raise PermissionDenied
    if outbox_retry(mail=mail):
        messages.success(
            request, _("The mail to %(recipient)s is queued again.") % {"recipient": mail.recipient}
        )
    elif mail.status == OutboxMail.Status.SENT:
        messages.info(request, _("That mail was already sent; it is not sent twice."))
    else:
        messages.info(request, _("Only a failed mail can be retried; this one is not failed."))
    next_url = param_text(request.POST, "next", max_length=500)
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("outbox:detail", pk=mail.pk)


@rate_limit("guest_link")
@require_http_methods(["GET", "HEAD", "POST"])
def opt_out(request, token: str):
    """In the language of the contact the address belongs to (meetings.language), else
    the browser's."""
    email = opt_out_email(token)
    contact = contact_for_address(email) if email else None
    with guest_translation(contact=contact, default=request.LANGUAGE_CODE) as language:
        if email is None:
            response = render(request, "outbox/opt_out.html", {"invalid": True}, status=400)
        elif request.method == "POST":
            outbox_opt_out(email=email)
            response = render(request, "outbox/opt_out.html", {"done": True})
        else:
            response = render(request, "outbox/opt_out.html", {"email": email})
    return for_guest(response, language)

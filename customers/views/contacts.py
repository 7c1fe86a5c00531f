"""Contacts: adding one to an organisation, editing and erasing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms import ContactForm, EraseForm
from ..models import Contact, Organisation
from .common import _require


def _saved_contact(form: ContactForm) -> Contact | None:
    """The contact of a valid form, saved through the service; None when the form is
    invalid or the service refuses it (its error is then on the form)."""
    if not form.is_valid():
        return None
    contact = form.save(commit=False)
    if form.cleaned_data["opted_out"] and contact.opted_out_at is None:
        contact.opted_out_at = timezone.now()
    elif not form.cleaned_data["opted_out"]:
        contact.opted_out_at = None
    try:
        return services.contact_save(contact=contact)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def _customer_contact_or_404(pk: int) -> Contact:
    # Customer contacts only: front-line staff are managed from the meetings they attend.
    return get_object_or_404(
        Contact.objects.select_related("organisation").filter(organisation__isnull=False), pk=pk
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contact_create(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "customers.add_contact", organisation)
    contact = Contact(organisation=organisation, language="en")
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        instance=contact,
        organisation=organisation,
    )
    if request.method == "POST" and (saved := _saved_contact(form)):
        messages.success(
            request,
            _("%(name)s was added to %(organisation)s.")
            % {"name": saved.name, "organisation": organisation.name},
        )
        return redirect("customers:organisation", pk=organisation.pk)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "organisation": organisation, "contact": None},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contact_edit(request, pk: int):
    contact = _customer_contact_or_404(pk)
    _require(request, "customers.change_contact", contact)
    if contact.is_erased:
        messages.info(request, _("This contact was erased; there is nothing left to edit."))
        return redirect("customers:organisation", pk=contact.organisation_id)
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        instance=contact,
        organisation=contact.organisation,
    )
    if request.method == "POST" and (saved := _saved_contact(form)):
        messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
        return redirect("customers:organisation", pk=saved.organisation_id)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "organisation": contact.organisation, "contact": contact},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contact_erase(request, pk: int):
    contact = _customer_contact_or_404(pk)
    _require(request, "customers.erase_contact", contact)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.contact_erase(contact=contact)
        messages.success(
            request, _("The contact's name, email and phone were erased. Meeting counts are kept.")
        )
        return redirect("customers:organisation", pk=contact.organisation_id)
    return render(request, "customers/contact_erase.html", {"form": form, "contact": contact})

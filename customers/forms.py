from django import forms
from django.conf import settings
from django.conf.global_settings import LANGUAGES
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Role, User
from accounts.params import IdChoiceField, IdMultipleChoiceField

from . import csv_io
from .models import Contact, Facet, Organisation, Region, known_time_zones
from .selectors import DEFAULT_SORT, SORTS, CustomerFilters
from .services import normalise_phone

NOT_MET_CHOICES = [
    ("", _("Any time")),
    ("3", _("Not met for 3 months")),
    ("6", _("Not met for 6 months")),
    ("12", _("Not met for 12 months")),
    ("24", _("Not met for 24 months")),
]


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=[("", _("All tiers")), *Organisation.Tier.choices]
    )
    facet = IdChoiceField(
        label=_("Facet"), required=False, queryset=Facet.objects.all(), empty_label=_("All facets")
    )
    region = IdChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.order_by(Lower("name")),
        empty_label=_("All regions"),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    not_met = forms.TypedChoiceField(
        label=_("Last met"),
        required=False,
        choices=NOT_MET_CHOICES,
        coerce=int,
        empty_value=None,
        help_text=_("Never-met customers are included."),
    )
    never_invited = forms.BooleanField(label=_("Never invited"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(self, *args, search_contacts: bool = True, contact_scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_contacts = search_contacts
        self.contact_scope = contact_scope
        used = Organisation.objects.order_by().values_list("country", flat=True).distinct()
        codes = sorted({str(code) for code in used}, key=lambda c: countries.name(c) or c)
        self.fields["country"].choices = [("", _("All countries"))] + [
            (code, countries.name(code) or code) for code in codes
        ]
        self.fields["q"].help_text = (
            _("Organisation, contact name or email.")
            if search_contacts
            else _("Organisation name.")
        )
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> CustomerFilters:
        self.is_valid()  # fields with a bad value are left out (and shown with their error)
        data = getattr(self, "cleaned_data", {})
        return CustomerFilters(
            q=(data.get("q") or "").strip(),
            tiers=[data["tier"]] if data.get("tier") else [],
            facet_ids=[data["facet"].pk] if data.get("facet") else [],
            region_ids=[data["region"].pk] if data.get("region") else [],
            countries=[data["country"]] if data.get("country") else [],
            not_met_months=data.get("not_met"),
            never_invited=bool(data.get("never_invited")),
            sort=data.get("sort") or DEFAULT_SORT,
            search_contacts=self.search_contacts,
            contact_scope=self.contact_scope,
        )


def _staff_choices():
    return User.objects.filter(
        is_active=True, groups__name__in=[Role.LEADER.value, Role.ADMINISTRATOR.value]
    ).distinct()


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "tier", "region", "country", "facets", "account_owner", "notes"]
        field_classes = {
            "region": IdChoiceField,
            "facets": IdMultipleChoiceField,
            "account_owner": IdChoiceField,
        }
        widgets = {
            "facets": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "tier": _("Key and strategic customers appear in Invite next."),
            "facets": _("The product lines or segments of our business this customer represents."),
            "notes": _(
                "Internal notes about the relationship. Never what anyone said in a meeting."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.order_by(Lower("name"))
        if not user.has_role(Role.ADMINISTRATOR):
            regions = regions.filter(leaders=user)
        self.fields["region"].queryset = regions
        self.fields["region"].help_text = (
            "" if user.has_role(Role.ADMINISTRATOR) else _("Only the regions you lead are listed.")
        )
        owners = _staff_choices()
        if self.instance.account_owner_id:
            owners = User.objects.filter(
                Q(pk__in=owners.values("pk")) | Q(pk=self.instance.account_owner_id)
            )
        self.fields["account_owner"].queryset = owners
        self.fields["account_owner"].label = _("Account owner")
        self.fields["account_owner"].help_text = _("The leader or administrator who owns it.")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Organisation.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("An organisation called “%(name)s” already exists.")
                % {"name": clash.first().name}
            )
        return name

    def clean(self):
        cleaned = super().clean()
        region, country = cleaned.get("region"), cleaned.get("country")
        if region and country and region.countries:
            allowed = [str(c) for c in region.countries]
            if str(country) not in allowed:
                self.add_error(
                    "country",
                    _("%(country)s is not in the region %(region)s (%(countries)s).")
                    % {
                        "country": countries.name(country),
                        "region": region.name,
                        "countries": ", ".join(countries.name(c) for c in allowed),
                    },
                )
        return cleaned


TIME_ZONE_CHOICES = [("", _("Same as the region"))] + [
    (name, name.replace("_", " ")) for name in sorted(known_time_zones())
]
LANGUAGE_CHOICES = sorted(LANGUAGES, key=lambda item: item[1])


class ContactForm(forms.ModelForm):
    opted_out = forms.BooleanField(
        label=_("Opted out of non-essential mail"),
        required=False,
        help_text=_(
            "Invitations and their reminders are still sent; thank-yous and follow-ups are not."
        ),
    )

    class Meta:
        model = Contact
        fields = ["name", "email", "job_title", "phone", "language", "time_zone"]
        widgets = {
            "language": forms.Select(
                choices=[("", _("The language of the meeting's country")), *LANGUAGE_CHOICES]
            ),
            "time_zone": forms.Select(choices=TIME_ZONE_CHOICES),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {"phone": _("With the country code, for example +44 20 7946 0000.")}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["email"].required = True
        self.fields["opted_out"].initial = self.instance.opted_out_at is not None

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        clash = Contact.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("This email already belongs to a contact at %(organisation)s.")
                % {"organisation": clash.first().organisation}
            )
        return email

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"], country=str(self.organisation.country))


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (as saved by “CSV UTF-8” in Excel), comma or semicolon separated."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_IMPORT_BYTES:
            raise forms.ValidationError(csv_io.too_large_message(upload.size))
        return upload


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand this removes the person's name, email and phone for good."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (for example Europe/Paris).") % {"value": value}
        )


class Facet(models.Model):
    """A facet of our business a customer represents: a product line or a segment."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Region(models.Model):
    """An administrative region with its countries and time zone; leaders lead regions."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    countries = CountryField(multiple=True, blank=True, verbose_name=_("countries"))
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone], verbose_name=_("time zone")
    )
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_regions", verbose_name=_("leaders")
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """A customer organisation we keep a relationship with."""

    class Tier(models.TextChoices):
        KEY = "key", _("Key")
        STRATEGIC = "strategic", _("Strategic")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, verbose_name=_("name"))
    tier = models.CharField(
        max_length=20, choices=Tier.choices, default=Tier.KEY, db_index=True, verbose_name=_("tier")
    )
    facets = models.ManyToManyField(
        Facet, blank=True, related_name="organisations", verbose_name=_("facets")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region")
    )
    country = CountryField(verbose_name=_("country"))
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_organisations",
        verbose_name=_("account owner"),
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Indexed for a former capture check that read its maximum; organisations now reach the
    # redactor through the register's version (feedback.RegisterVersion). Kept: dropping it is a
    # migration of its own.
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person invited to meetings by name and email, answering from a signed link.

    Usually someone at a customer organisation, invited as a guest. Without an
    organisation, one of our own front-line staff invited like a guest (no user account):
    the same invitation, RSVP link, reminders and contact-detail rules, but counted as
    staff — never as a customer organisation (dashboard suppression, panel checks, the
    rhythm's "customer guest") — and in the redactor's register like every contact.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contacts",
        # Null only for front-line staff, created by meetings.services.front_line_staff_invite;
        # customer forms and the import still require an organisation (blank=False).
        null=True,
        help_text=_("The customer organisation; empty for our own front-line staff."),
        verbose_name=_("organisation"),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    job_title = models.CharField(max_length=200, blank=True, verbose_name=_("job title"))
    phone = models.CharField(max_length=50, blank=True, verbose_name=_("phone"))
    # Empty until someone knows it: guests then read the language of the meeting's country
    # (meetings.language.guest_language), else English.
    language = models.CharField(
        max_length=10,
        blank=True,
        default="",
        verbose_name=_("language"),
        help_text=_("Empty: the language of the meeting's country, else English."),
    )
    time_zone = models.CharField(
        max_length=64, blank=True, validators=[validate_time_zone], verbose_name=_("time zone")
    )
    opted_out_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the contact opted out of non-essential mail."),
        verbose_name=_("opted out at"),
    )
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the contact's personal data was erased."),
        verbose_name=_("erased at"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="contact_email_unique_ci"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_front_line_staff(self) -> bool:
        return self.organisation_id is None

    @property
    def affiliation(self) -> str:
        """What pages show beside the name: the organisation, or that they are our staff."""
        if self.organisation_id is None:
            return gettext("Our front-line staff")
        return str(self.organisation)

    @property
    def has_opted_out(self) -> bool:
        return self.opted_out_at is not None


class CustomerImport(models.Model):
    """An uploaded CSV waiting for its preview to be confirmed.

    The file's bytes are kept only until the import is applied (then wiped), so that
    the confirmation applies exactly what was previewed; an erasure request deletes
    every pending upload, since it may still name the person.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    filename = models.CharField(max_length=255, blank=True, verbose_name=_("filename"))
    content = models.BinaryField(blank=True, verbose_name=_("content"))
    sha256 = models.CharField(max_length=64, verbose_name=_("sha256"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("applied at"))
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename or _("Import %(number)s") % {"number": self.pk}

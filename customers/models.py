import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django_countries.fields import CountryField


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(f"“{value}” is not a known time zone (for example Europe/Paris).")


class Facet(models.Model):
    """A facet of our business a customer represents: a product line or a segment."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Region(models.Model):
    """An administrative region with its countries and time zone; leaders lead regions."""

    name = models.CharField(max_length=100, unique=True)
    countries = CountryField(multiple=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="led_regions"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """A customer organisation we keep a relationship with."""

    class Tier(models.TextChoices):
        KEY = "key", "Key"
        STRATEGIC = "strategic", "Strategic"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.KEY, db_index=True)
    facets = models.ManyToManyField(Facet, blank=True, related_name="organisations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations")
    country = CountryField()
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_organisations",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed for a former capture check that read its maximum; organisations now reach the
    # redactor through the register's version (feedback.RegisterVersion). Kept: dropping it is a
    # migration of its own.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person at a customer organisation, who may be invited as a guest."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=10, blank=True, default="en")
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    opted_out_at = models.DateTimeField(
        null=True, blank=True, help_text="When the contact opted out of non-essential mail."
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the contact's personal data was erased."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    def has_opted_out(self) -> bool:
        return self.opted_out_at is not None


class CustomerImport(models.Model):
    """An uploaded CSV waiting for its preview to be confirmed.

    The file's bytes are kept only until the import is applied (then wiped), so that
    the confirmation applies exactly what was previewed; an erasure request deletes
    every pending upload, since it may still name the person.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    content = models.BinaryField(blank=True)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename or f"Import {self.pk}"

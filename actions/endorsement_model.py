"""Guests' endorsements of the charter: agree, disagree or suggest a change.

One answer per customer organisation and charter expectation (its `lineage`, so the
answer follows the expectation from version to version); the latest answer from any
guest of that organisation replaces the earlier one. It records the organisation, which
the count needs, and never which guest answered; a suggestion is stored redacted
(`feedback.redaction`). Figures from it reach staff only through `anonymity`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CharterEndorsement(models.Model):
    class Stance(models.TextChoices):
        AGREE = "agree", _("I agree")
        DISAGREE = "disagree", _("I disagree")
        SUGGEST = "suggest", _("I suggest a change")

    charter = models.ForeignKey(
        "actions.Charter",
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("charter"),
    )
    lineage = models.UUIDField(db_index=True, verbose_name=_("lineage"))
    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, verbose_name=_("stance"))
    suggestion = models.TextField(blank=True, max_length=500, verbose_name=_("suggestion"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["charter", "lineage", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "lineage", "organisation"],
                name="charter_endorsement_once_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.get_stance_display()} ({self.lineage})"

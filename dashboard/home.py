"""The executive home section: a few headline figures, suppressed like the dashboard,
and the themes that are new (first heard within the last two months)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from anonymity.policy import hidden_note, published_note
from anonymity.suppression import suppress_slices

from .models import Theme
from .selectors import CubeReader, Filters, concerns_by_section, cube_state, volume_by_month

NEW_MONTHS = 2
NEW_SHOWN = 3


def _new_themes(reader: CubeReader) -> list[str]:
    """Visible themes (suppressed like the dashboard) with no item before the window."""
    today = timezone.localdate()
    since = (today.replace(day=1) - dt.timedelta(days=28 * (NEW_MONTHS - 1))).replace(day=1)
    totals = {k[0]: s for k, s in reader.slices(("theme_id",)).items() if k[0] is not None}
    suppress_slices(list(totals.values()))
    older = {
        t for (t, m), s in reader.slices(("theme_id", "month")).items() if m < since and s.value
    }
    new = [t for t, s in totals.items() if s.value and not s.hidden and t not in older]
    return list(
        Theme.objects.filter(pk__in=new, merged_into__isnull=True)
        .order_by("-size", "name")
        .values_list("name", flat=True)
    )


def home_sections(*, role: str, user) -> list[dict]:
    if role != Role.EXECUTIVE.value or not user.has_perm("dashboard.view_dashboard"):
        return []
    reader = CubeReader(
        Filters(),
        groupings=(
            ("month", "sentiment"),
            ("kind", "section"),
            ("theme_id",),
            ("theme_id", "month"),
        ),
    )
    volume = volume_by_month(reader)
    concerns = concerns_by_section(reader)
    months = volume["rows"][-3:]
    top_section = max(
        (s for s in concerns["slices"] if not s.hidden and s.value),
        key=lambda s: s.value,
        default=None,
    )
    new_themes = _new_themes(reader)
    now = []
    if new_themes:
        label = ngettext(
            "new theme in the last two months", "new themes in the last two months", len(new_themes)
        )
        now = [{"value": len(new_themes), "label": label, "href": "#home-new-themes", "order": 40}]
    return [
        {
            "template": "dashboard/_home.html",
            "state": cube_state(),
            "total": volume["total"],
            "concerns": concerns["total"],
            "months": months,
            "top_section": top_section,
            "hidden_note": hidden_note(),
            "published_note": published_note(),
            "new_themes": new_themes[:NEW_SHOWN],
            "more_new_themes": max(0, len(new_themes) - NEW_SHOWN),
            "themes_url": reverse("dashboard:themes"),
            "now": now,
            "anchor": "home-dashboard-heading",
            "title": _("Voice of the customer at a glance"),
        }
    ]

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.csv_export import csv_response
from accounts.params import param_choice, param_flag
from anonymity.policy import hidden_note, min_organisations, published_note
from anonymity.suppression import Slice, suppress_slices
from audit.models import AuditEntry
from audit.services import audit_record

from . import charts
from .export import COLUMNS, csv_rows, json_chunks
from .forms import DashboardFilterForm, ThemeMergeForm, ThemeRenameForm
from .models import Theme
from .selectors import CubeReader, Filters, dashboard_context, regions_for
from .tasks import recompute_themes, refresh_aggregates
from .themes import theme_merge as merge
from .themes import theme_rename as rename


def _filters(request):
    if not request.user.has_perm("dashboard.view_dashboard"):
        raise PermissionDenied
    form = DashboardFilterForm(request.GET or None, regions=regions_for(request.user))
    if form.is_bound:
        form.is_valid()
    return form, form.filters()


def _empty_month(month, cells: list) -> dict:
    return {
        "month": month,
        "label": date_format(month, "M Y"),
        "total": Slice(month, 0, frozenset()),
        "cells": cells,
    }


def _charts(context: dict) -> dict:
    volume, kinds, concerns = context["volume"], context["kinds"], context["concerns"]
    # The charts run through every month (a quiet month is an empty column); the tables
    # list the months with figures.
    volume_rows = charts.calendar_rows(
        volume["rows"],
        lambda m: _empty_month(m, [Slice((m, s), 0, frozenset()) for s, _ in volume["sentiments"]]),
    )
    kind_rows = charts.calendar_rows(
        kinds["rows"],
        lambda m: _empty_month(
            m,
            [
                {"slice": Slice((m, k), 0, frozenset()), "share": None, "fraction": None, "kind": k}
                for k, _ in kinds["kinds"]
            ],
        ),
    )
    for row in volume_rows + kind_rows:
        row["short"] = date_format(row["month"], "M y")
    themes = context["themes"]
    month_labels = [m["label"] for m in themes["months"]]
    for theme in themes["themes"]:
        theme["spark"] = charts.sparkline(
            title=_("Monthly trend of %(theme)s") % {"theme": theme["name"]},
            slices=theme["trend"],
            labels=month_labels,
        )
    return {
        "volume_chart": charts.stacked_columns(
            title=_("Feedback per month, by sentiment"),
            rows=volume_rows,
            series=list(volume["sentiments"]),
            colours=charts.SENTIMENT_COLOURS,
        ),
        "volume_legend": charts.legend(
            volume["sentiments"], charts.SENTIMENT_COLOURS, uid="legend-volume"
        ),
        "kinds_chart": charts.share_columns(
            title=_("Share of War, Advertisement, Love-In and 4F meetings per month"),
            rows=kind_rows,
            colours=charts.KIND_COLOURS,
            labels=dict(kinds["kinds"]),
        ),
        "kinds_legend": charts.legend(kinds["kinds"], charts.KIND_COLOURS, uid="legend-kinds"),
        "concerns_chart": charts.horizontal_bars(
            title=_("Concerns by agenda section"), slices=concerns["slices"]
        ),
    }


# The table behind each chart, shown on request (one click) to keep the page light.
TABLES = ("volume", "themes", "concerns", "kinds")


def _without_table(params) -> str:
    params = params.copy()
    params.pop("table", None)
    return params.urlencode()


def _page_context(request):
    form, filters = _filters(request)
    context = dashboard_context(filters)
    context.update(_charts(context))
    context.update(
        form=form,
        query=_without_table(request.GET),
        table=param_choice(request.GET, "table", TABLES),
        hidden_note=hidden_note(),
        published_note=published_note(),
        threshold=min_organisations(),
        can_manage_themes=request.user.has_perm("dashboard.manage_themes"),
        printed_at=timezone.now(),
        actions_url=reverse("actions:list"),
        charter_url=reverse("actions:charter_list"),
    )
    return context


@login_required
@require_safe
def index(request):
    context = _page_context(request)
    if request.htmx:
        return render(request, "dashboard/index.html#widgets", context)
    return render(request, "dashboard/index.html", context)


@login_required
@require_safe
def board_pack(request):
    """The printable view for board packs: every widget with its table, no controls."""
    return render(request, "dashboard/print.html", _page_context(request))


@login_required
@require_safe
def export(request, fmt: str):
    _form, filters = _filters(request)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        target_repr=f"Dashboard {fmt.upper()}",
        details={"filters": request.GET.urlencode()[:200]},
    )
    stamp = timezone.localdate().isoformat()
    filename = f"open-chair-feedback-{stamp}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, COLUMNS, csv_rows(filters), stream=True)
    response = StreamingHttpResponse(json_chunks(filters), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _require_manage(request):
    if not request.user.has_perm("dashboard.manage_themes"):
        raise PermissionDenied


@login_required
@require_safe
def themes(request):
    if not request.user.has_perm("dashboard.view_dashboard"):
        raise PermissionDenied
    # Sizes as the viewer may see them (their regions), suppressed like every figure.
    reader = CubeReader(Filters(regions=regions_for(request.user)), groupings=(("theme_id",),))
    sizes = reader.slices(("theme_id",))
    suppress_slices(list(sizes.values()))
    visible, hidden = [], 0
    for theme in Theme.objects.filter(merged_into__isnull=True).order_by("name"):
        size = sizes.get((theme.pk,))
        if size is None or not size.value:
            continue
        if size.hidden:
            hidden += 1
            continue
        theme.visible_size = size.value
        visible.append(theme)
    visible.sort(key=lambda t: -t.visible_size)
    merged = Theme.objects.filter(merged_into__isnull=False).select_related("merged_into")
    shown = {t.pk for t in visible}
    return render(
        request,
        "dashboard/themes.html",
        {
            "themes": visible,
            "hidden_themes": hidden,
            "hidden_note": hidden_note(),
            "merged": [m for m in merged if m.merged_into_id in shown],
            "can_manage_themes": request.user.has_perm("dashboard.manage_themes"),
        },
    )


@login_required
@require_POST
def theme_rename(request, pk: int):
    _require_manage(request)

    theme = get_object_or_404(Theme, pk=pk)
    form = ThemeRenameForm(request.POST)
    if form.is_valid():
        try:
            rename(theme=theme, name=form.cleaned_data["name"], user=request.user)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Theme renamed to “%(name)s”.") % {"name": theme.name})
    else:
        messages.error(request, _("Give the theme a name (at most 120 characters)."))
    return redirect("dashboard:themes")


@login_required
@require_POST
def theme_merge(request, pk: int):
    _require_manage(request)

    source = get_object_or_404(Theme, pk=pk)
    form = ThemeMergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the theme to merge into."))
        return redirect("dashboard:themes")
    try:
        target = merge(source=source, target=form.cleaned_data["target"], user=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("dashboard:themes")
    transaction.on_commit(refresh_aggregates.delay)
    messages.success(
        request,
        _(
            "“%(source)s” merged into “%(target)s”. The dashboard figures follow "
            "within a few minutes."
        )
        % {"source": source.name, "target": target.name},
    )
    return redirect("dashboard:themes")


@login_required
@require_POST
def recompute(request):
    _require_manage(request)
    transaction.on_commit(recompute_themes.delay)
    messages.success(
        request,
        _("Themes are being recomputed in the background; the dashboard updates when it is done."),
    )
    themes = param_flag(request.POST, "next_page", "themes")
    back = "dashboard:themes" if themes else "dashboard:index"
    return redirect(back)

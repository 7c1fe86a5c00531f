"""The page where a leader ties themes to a measure of their region's charter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actions.models import CharterVersion, Measure

from .forms import MeasureThemeForm, MeasureThemeUnlinkForm
from .measure_themes import measure_theme_link, measure_theme_unlink, theme_trends, windows
from .models import MeasureTheme


def _measure_or_404(request, pk: int) -> Measure:
    measure = get_object_or_404(Measure.objects.select_related("charter"), pk=pk)
    # Those who record the charter's measures tie themes to them (actions/rules.py).
    if not request.user.has_perm("actions.record_measure", measure.charter):
        raise Http404("No such measure.")
    return measure


def _page(request, measure: Measure, form: MeasureThemeForm, status: int = 200):
    links = list(MeasureTheme.objects.filter(measure=measure))
    trends = theme_trends(links, region_id=measure.charter.region_id)
    latest = measure.values.order_by("-month").first()
    version = (
        CharterVersion.objects.filter(charter=measure.charter, items__lineage=measure.lineage)
        .order_by("-number")
        .first()
    )
    earlier, recent = windows()
    context = {
        "measure": measure,
        "charter": measure.charter,
        "version": version,
        "latest": latest,
        "latest_green": None if latest is None else measure.is_green(latest.value),
        "rows": [(link, trends[link.pk]) for link in links],
        "form": form,
        "earlier": earlier,
        "recent": recent,
    }
    return render(request, "dashboard/measure_themes.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def measure_themes(request, pk: int):
    measure = _measure_or_404(request, pk)
    form = MeasureThemeForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, measure, form, status=400)
        theme = form.cleaned_data["theme"]
        _link, created = measure_theme_link(measure=measure, theme=theme, by=request.user)
        if created:
            messages.success(
                request,
                _("“%(theme)s” is tied to %(measure)s.")
                % {"theme": theme.name, "measure": measure.name},
            )
        else:
            messages.info(
                request,
                _("“%(theme)s” was already tied to %(measure)s.")
                % {"theme": theme.name, "measure": measure.name},
            )
        return redirect("dashboard:measure_themes", pk=measure.pk)
    return _page(request, measure, form)


@require_POST
@login_required
def measure_theme_remove(request, pk: int):
    measure = _measure_or_404(request, pk)
    form = MeasureThemeUnlinkForm(request.POST, measure=measure)
    if form.is_valid():
        measure_theme_unlink(link=form.cleaned_data["link"])
        messages.success(request, _("The theme is no longer tied to this measure."))
    else:
        messages.error(request, _("That theme is not tied to this measure. Nothing was changed."))
    return redirect(reverse("dashboard:measure_themes", args=[measure.pk]))

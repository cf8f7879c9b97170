"""研判预警 pages: hotspots, emerging topics, warnings, forecasts. Every figure
comes from the user's scope (`scope_for`, built on `visible_cases`); the
drill-down lists cases through `visible_cases` and the case search."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinfang.cases.search import filter_by_text

from .forecasts_page import forecast_rows
from .forms import ForecastForm, HotspotCasesForm, PeriodForm
from .hotspots import emerging, hotspots, period_counts
from .models import RollupCursor
from .rollup import CURSOR
from .scope import day_start, scope_for
from .warnings import active_warnings


def _freshness() -> RollupCursor | None:
    return RollupCursor.objects.filter(name=CURSOR).first()


def _period(form) -> tuple:
    d = form.cleaned_data
    return d["start"], d["end"], d["region"]


@login_required
@require_GET
def index(request):
    form = PeriodForm(request.GET or {}, user=request.user)
    ctx: dict = {"form": form}
    if form.is_valid():
        start, end, region = _period(form)
        scope = scope_for(request.user, region)
        ctx |= {"hotspots": hotspots(scope, start, end, region, 10), "start": start, "end": end,
                "warnings": active_warnings(request.user, start, end, 10)}
    return render(request, "insights/index.html", ctx)


@login_required
@require_GET
def hotspot_list(request):
    if "term" in request.GET:
        return hotspot_cases(request)
    form = PeriodForm(request.GET or {}, user=request.user)
    ctx: dict = {"form": form}
    if form.is_valid():
        start, end, region = _period(form)
        scope = scope_for(request.user, region)
        counts = period_counts(scope, start, end)
        items = hotspots(scope, start, end, region, 30, counts=counts)
        ctx |= {
            "hotspots": items, "emerging": emerging(scope, start, end, region, 15, counts=counts),
            "start": start, "end": end,
            "chart": {"phrases": [h.phrase for h in items[:20]], "weights": [h.weight for h in items[:20]],
                      "counts": [h.count for h in items[:20]]},
        }
    ctx["freshness"] = _freshness()
    return render(request, "insights/hotspots.html", ctx)


def hotspot_cases(request):
    """The drill-down: visible cases of the period mentioning the phrase."""
    from datetime import timedelta

    from xinfang.orgs.access import visible_cases

    form = HotspotCasesForm(request.GET or {}, user=request.user)
    ctx: dict = {"form": form}
    if form.is_valid():
        start, end, region = _period(form)
        qs = visible_cases(request.user).filter(
            registered_at__gte=day_start(start), registered_at__lt=day_start(end + timedelta(days=1)))
        if region:
            qs = qs.filter(issue_region_id__gte=region, issue_region_id__lt=region + "\uffff")
        if form.cleaned_data["group"]:
            qs = qs.filter(is_group=True)
        qs = filter_by_text(qs, form.cleaned_data["term"])
        qs = qs.select_related("category", "issue_region", "current_org").order_by("-registered_at", "-id")
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        ctx |= {"page": page, "term": form.cleaned_data["term"], "start": start, "end": end,
                "params": params.urlencode()}
    return render(request, "insights/hotspot_cases.html", ctx)


@login_required
@require_GET
def warning_list(request):
    form = PeriodForm(request.GET or {}, user=request.user)
    ctx: dict = {"form": form}
    if form.is_valid():
        start, end, _ = _period(form)
        ctx |= {"warnings": active_warnings(request.user, start, end, 200), "start": start, "end": end}
    return render(request, "insights/warnings.html", ctx)


@login_required
@require_GET
def forecasts(request):
    form = ForecastForm(request.GET or {}, user=request.user)
    ctx: dict = {"form": form}
    if form.is_valid():
        _, end, region = _period(form)
        rows = forecast_rows(scope_for(request.user, region), end, form.cleaned_data["horizon"])
        ctx |= {"rows": rows, "end": end, "horizon": form.cleaned_data["horizon"],
                "chart": [r.chart() for r in rows]}
    ctx["freshness"] = _freshness()
    return render(request, "insights/forecasts.html", ctx)

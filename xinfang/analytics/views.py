"""Dashboard pages: the page, its one JSON data request, and each chart's xlsx.

Every view starts from `scope_for(user)`: only what the user may see is
counted (visible_cases, or the rollup rows of their regions)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from xinfang.cases.models import Category, Channel

from .dashboard import dashboard_data, live_note
from .exports import CHART_TITLES, chart_for, chart_table, xlsx_bytes
from .filters import GRANULARITIES, FilterError, default_filters, parse_filters
from .scope import Scope, scope_for


def _scope(request) -> Scope:
    scope = scope_for(request.user)
    if scope is None:
        raise PermissionDenied("您没有可统计的信访事项范围")
    return scope


@login_required
@require_GET
def dashboard_page(request):
    scope = _scope(request)
    today = timezone.localdate()
    categories = Category.objects.filter(parent__isnull=True).prefetch_related("children")
    return render(request, "analytics/dashboard.html", {
        "scope": scope, "note": live_note(scope), "filters": default_filters(today).as_params(),
        "granularities": GRANULARITIES, "channels": Channel.choices, "categories": categories,
    })


@login_required
@require_GET
def dashboard_json(request):
    scope = _scope(request)
    try:
        filters = parse_filters(request.GET, scope, timezone.localdate())
    except FilterError as e:
        return JsonResponse({"error": str(e)}, status=400)
    return JsonResponse(dashboard_data(request.user, scope, filters), json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def chart_xlsx(request, chart: str):
    if chart not in CHART_TITLES:
        raise Http404("没有这个图表")
    scope = _scope(request)
    try:
        filters = parse_filters(request.GET, scope, timezone.localdate())
    except FilterError as e:
        return HttpResponse(str(e), status=400, content_type="text/plain; charset=utf-8")
    data = dashboard_data(request.user, scope, filters, charts=chart_for(chart))
    if chart in ("hotspots", "warnings") and data.get(chart) is None:
        raise Http404("暂无该项数据")
    headers, rows = chart_table(chart, data)
    note = f"{CHART_TITLES[chart]}　统计范围：{scope.label}　期间：{filters.describe()}"
    body = xlsx_bytes([(CHART_TITLES[chart], headers, rows)], note=note)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{chart}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

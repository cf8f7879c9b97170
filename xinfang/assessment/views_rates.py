"""The rates pages: the table with formulas, the ranking, drill-downs, xlsx."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from xinfang.orgs.models import Region

from . import params
from .actions import evaluator_of
from .exports import rates_xlsx
from .rates import RATE_KEYS, drill_down, spec
from .scope import is_staff_viewer, region_choices, require_staff
from .tables import MIN_VOLUME, child_length, ranking, rates_table


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def rates_page(request):
    if not is_staff_viewer(request.user) and evaluator_of(request.user):
        return redirect("assessment:callbacks")  # the nav's 考核评价 link, for a call-back evaluator
    require_staff(request.user)
    choice = params.read(request)
    now = timezone.now()
    table = rates_table(choice.scope, choice.period, now, target=choice.target, group_by=choice.group_by)  # type: ignore[arg-type]
    ranked, unranked = ranking(table.rows, choice.rank_by, MIN_VOLUME)
    if request.GET.get("format") == "xlsx":
        return _xlsx(rates_xlsx(table, MIN_VOLUME, choice.rank_by), f"rates-{choice.start}-{choice.end}.xlsx")
    region = Region.objects.filter(code=choice.region).first() if choice.region else None
    return render(request, "assessment/rates.html", {
        "choice": choice, "table": table, "ranked": ranked, "unranked": unranked, "min_volume": MIN_VOLUME,
        "regions": region_choices(request.user), "region": region, "rate_keys": RATE_KEYS,
        "hidden_fields": [("target", choice.target), ("group", choice.group_by), ("rank_by", choice.rank_by)],
    })


@require_GET
def drill_page(request):
    require_staff(request.user)
    choice = params.read(request)
    key, part = request.GET.get("key", ""), request.GET.get("part", "")
    if key not in RATE_KEYS or part not in ("numerator", "denominator"):
        raise Http404("未找到该统计项")
    s = spec(choice.target, key)
    org_id = request.GET.get("org")
    prefix = request.GET.get("prefix") or None
    try:
        org = int(org_id) if org_id else None
    except ValueError:
        raise Http404("未找到该统计项") from None
    items = drill_down(s, choice.scope, choice.period, timezone.now(), part,  # type: ignore[arg-type]
                       org_id=org, region_prefix=prefix, region_len=child_length(choice.region or "32"))
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "assessment/drill.html", {
        "choice": choice, "spec": s, "part": part, "page": page, "org": org, "prefix": prefix,
        "is_evaluation": key == "satisfaction",
        "part_label": s.formula.numerator if part == "numerator" else s.formula.denominator,
    })

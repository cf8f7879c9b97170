"""绩效网上考评: the schemes, their versions, and the ranked score table."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import params
from .exports import scores_xlsx
from .indicators import INDICATORS
from .models import AssessmentScheme
from .scope import region_choices, require_staff
from .scoring import SchemeError, latest_schemes, save_scheme, score
from .views_rates import _xlsx


@require_GET
def schemes_page(request):
    require_staff(request.user)
    return render(request, "assessment/schemes.html", {
        "schemes": latest_schemes(), "versions": AssessmentScheme.objects.select_related("created_by"),
        "can_edit": request.user.has_perm("assessment.manage_scheme"),
    })


@require_http_methods(["GET", "POST"])
def scheme_edit(request, code: str = ""):
    require_staff(request.user)
    if not request.user.has_perm("assessment.manage_scheme"):
        raise PermissionDenied("没有制定或修改考评方案的权限")
    base = AssessmentScheme.objects.filter(code=code).order_by("-version").first() if code else None
    if code and base is None:
        raise Http404("未找到该考评方案")
    error, status = "", 200
    form: dict[str, str] = {"code": code, "name": base.name if base else "",
                            "min_volume": str(base.min_volume if base else 10),
            "effective_from": base.effective_from.isoformat() if base else "", "note": "",
            "effective_to": base.effective_to.isoformat() if base and base.effective_to else ""}
    weights: dict[str, object] = dict(base.weights) if base else {}
    if request.method == "POST":
        p = request.POST
        form = {k: p.get(k, "").strip() for k in form}
        if code:
            form["code"] = code
        weights = {i.key: p.get(f"w-{i.key}", "") for i in INDICATORS}
        try:
            try:
                start = date.fromisoformat(form["effective_from"])
                end = date.fromisoformat(form["effective_to"]) if form["effective_to"] else None
                min_volume = int(form["min_volume"] or 0)
            except ValueError:
                raise SchemeError("适用日期或最少件数格式不正确") from None
            scheme = save_scheme(user=request.user, code=form["code"], name=form["name"], weights=weights,
                                 effective_from=start, effective_to=end, min_volume=min_volume, note=form["note"])
        except SchemeError as e:
            error, status = str(e), 400
        else:
            messages.success(request, f"已保存 {scheme}")
            return redirect("assessment:schemes")
    rows = [(i, weights.get(i.key, "")) for i in INDICATORS]
    return render(request, "assessment/scheme_edit.html", {"form": form, "rows": rows, "base": base,
                                                            "error": error}, status=status)


@require_GET
def score_page(request, scheme_id: int):
    require_staff(request.user)
    scheme = AssessmentScheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise Http404("未找到该考评方案")
    choice = params.read(request)
    table = score(scheme, choice.scope, choice.period, timezone.now())
    if request.GET.get("format") == "xlsx":
        return _xlsx(scores_xlsx(table), f"assessment-{scheme.code}-v{scheme.version}-{choice.start}-{choice.end}.xlsx")
    return render(request, "assessment/scores.html", {"scheme": scheme, "table": table, "choice": choice,
                                                      "regions": region_choices(request.user), "hidden": []})

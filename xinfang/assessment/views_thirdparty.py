"""Third-party call-backs: the evaluator's own task list and form, and the
staff page that draws the samples."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .actions import AssessmentError, draw_sample, evaluator_of, record_third_party_evaluation
from .callbacks import card
from .models import CallbackOutcome, SampledCase, ThirdPartySample
from .params import last_month
from .scope import region_choices, require_staff


def _evaluator(request):
    evaluator = evaluator_of(request.user)
    if evaluator is None:
        raise PermissionDenied("只有第三方评议员可以访问")
    return evaluator


@never_cache
def my_callbacks(request):
    evaluator = _evaluator(request)
    tasks = (SampledCase.objects.filter(evaluator=evaluator).select_related("case", "sample", "evaluation")
             .order_by("evaluation__at", "-sample__created_at", "pk"))
    return render(request, "assessment/callbacks.html", {"tasks": tasks, "evaluator": evaluator})


@never_cache
@require_http_methods(["GET", "POST"])
def callback(request, sampled_id: int):
    evaluator = _evaluator(request)
    sampled = SampledCase.objects.filter(pk=sampled_id, evaluator=evaluator).select_related("case").first()
    if sampled is None:
        raise Http404("未找到该回访任务")
    error, status = "", 200
    if request.method == "POST":
        try:
            record_third_party_evaluation(sampled.pk, user=request.user, outcome=request.POST.get("outcome", ""),
                                          rating=request.POST.get("rating", ""), note=request.POST.get("note", ""))
        except AssessmentError as e:
            error, status = str(e), 400
        else:
            messages.success(request, "已保存回访结果")
            return redirect("assessment:callbacks")
    existing = getattr(sampled, "evaluation", None)
    return render(request, "assessment/callback.html", {
        "card": card(sampled), "error": error, "existing": existing, "outcomes": CallbackOutcome.choices,
        "ratings": [("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意")],
    }, status=status)


@require_http_methods(["GET", "POST"])
def samples_page(request):
    require_staff(request.user)
    can_draw = request.user.has_perm("assessment.manage_third_party")
    regions = region_choices(request.user)
    codes = {r.code for r in regions}
    error, status = "", 200
    if request.method == "POST":
        if not can_draw:
            raise PermissionDenied("没有组织第三方评议抽样的权限")
        p = request.POST
        try:
            region = p.get("region", "")
            if region not in codes:
                raise AssessmentError("请选择本单位管辖范围内的区划")
            try:
                start, end = date.fromisoformat(p.get("start", "")), date.fromisoformat(p.get("end", ""))
                size = int(p["size"]) if p.get("size") else None
                rate = float(p["rate"]) / 100 if p.get("rate") else None
                seed = int(p["seed"]) if p.get("seed") else None
            except ValueError:
                raise AssessmentError("日期、数量、比例或随机种子格式不正确") from None
            sample = draw_sample(user=request.user, region_code=region, start=start, end=end, size=size,
                                 rate=rate, seed=seed)
        except AssessmentError as e:
            error, status = str(e), 400
        else:
            messages.success(request, f"已抽取 {sample.cases.count()} 件（总体 {sample.population} 件，随机种子 {sample.seed}）")
            return redirect("assessment:samples")
    samples = ThirdPartySample.objects.filter(region_code__in=codes or ["-"]).select_related("created_by")[:50]
    start, end = last_month()
    return render(request, "assessment/samples.html", {
        "samples": samples, "regions": regions, "can_draw": can_draw, "error": error, "start": start, "end": end,
    }, status=status)

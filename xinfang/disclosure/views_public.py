"""Public pages under /open/: the procedure, the directory, published cases,
monthly statistics and policy articles. No login; nothing personal."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from xinfang.cases.workflow import BY_NAME
from xinfang.rules.rulesets import get_rule

from . import flowchart, procedure, stats
from .forms import ArticleFilter, CaseFilter
from .models import Article, ArticleCategory, Publication
from .rates import FORMULAS, Period

PAGE_SIZE = 20
STATS_CACHE_SECONDS = 300


def _procedure_context() -> dict:
    current, previous = procedure.limits_titles()
    return {
        "chart": flowchart.build_chart(), "steps": flowchart.steps(), "limits": procedure.limits_table(),
        "current_title": current, "previous_title": previous, "local_rules": procedure.local_rules(),
    }


@login_not_required
@require_GET
def index(request):
    return render(request, "disclosure/index.html", _procedure_context())


@login_not_required
@require_GET
def guide(request):
    context = _procedure_context()
    context |= {"guide_down": BY_NAME["guide_down"], "redirect_step": BY_NAME["redirect"],
                "review_rule": get_rule(procedure.CURRENT, "review_request"),
                "reexamine_rule": get_rule(procedure.CURRENT, "reexamine_request")}
    return render(request, "disclosure/guide.html", context)


@login_not_required
@require_GET
def orgs(request):
    choices = procedure.district_choices()
    district = request.GET.get("district", "")
    if district not in dict(choices):
        district = ""
    return render(request, "disclosure/orgs.html", {
        "sections": procedure.directory(district or None), "choices": choices, "district": district,
    })


@login_not_required
@require_GET
def cases(request):
    form = CaseFilter(request.GET or None)
    pubs = Publication.public_objects.select_related("district", "case__category", "reply_org")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["category"]:
            pubs = pubs.filter(Q(case__category__code=data["category"]) | Q(case__category__parent__code=data["category"]))
        if data["district"]:
            pubs = pubs.filter(district_id=data["district"])
        if data["q"]:
            q = data["q"].strip()
            pubs = pubs.filter(Q(title__icontains=q) | Q(content__icontains=q) | Q(reply_text__icontains=q))
    page = Paginator(pubs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "disclosure/cases.html", {"form": form, "page": page, "params": params.urlencode()})


@login_not_required
@require_GET
def case_detail(request, pk: int):
    pub = get_object_or_404(Publication.public_objects.select_related("district", "case__category", "reply_org"),
                            pk=pk)
    return render(request, "disclosure/case_detail.html", {"pub": pub})


def _default_month(now) -> Period:
    """The last complete month: the one a monthly report is about."""
    today = timezone.localtime(now)
    return Period.month(today.year, today.month).shifted(-1)


@login_not_required
@require_GET
@cache_page(STATS_CACHE_SECONDS)
def stats_page(request):
    now = timezone.now()
    period, error = _default_month(now), ""
    if request.GET.get("month"):
        try:
            period = Period.parse_month(request.GET["month"])
        except ValueError as e:
            error = str(e)
        else:
            if period.start > now:
                period, error = _default_month(now), f"{request.GET['month']} 尚未开始，已显示{_default_month(now).label}"
    rank_by = request.GET.get("by", "satisfaction")
    if rank_by not in stats.RANK_BY:
        rank_by = "satisfaction"
    data = stats.month_statistics(period, now=now, rank_by=rank_by)
    this_month = _default_month(now).shifted(1)
    months = [this_month.shifted(-i) for i in range(24)]
    return render(request, "disclosure/stats.html", {
        "s": data, "error": error, "formulas": FORMULAS, "chart": stats.chart_data(data), "months": months,
        "rank_choices": stats.RANK_BY, "previous": period.shifted(-1),
        "next": period.shifted(1) if period.shifted(1).start <= now else None,
        "cache_minutes": STATS_CACHE_SECONDS // 60, "org_chart_height": max(320, 80 + 34 * len(data.ranked)),
    })


@login_not_required
@require_GET
def policies(request):
    form = ArticleFilter(request.GET or None)
    articles = Article.public_objects.all()
    category = form.cleaned_data["category"] if form.is_bound and form.is_valid() else ""
    if category:
        articles = articles.filter(category=category)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "disclosure/policies.html", {
        "page": page, "category": category, "categories": ArticleCategory.choices,
    })


@login_not_required
@require_GET
def policy_detail(request, pk: int):
    article = get_object_or_404(Article.public_objects.all(), pk=pk)
    return render(request, "disclosure/policy_detail.html", {"article": article})

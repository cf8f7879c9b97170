"""Analysis reports: the list, asking for one (built by the worker, progress
polled with htmx), and downloads for those who may see the report's region."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from xinfang.jobs.enqueue import enqueue_with_transaction
from xinfang.orgs.access import case_seats, region_scopes
from xinfang.orgs.models import Region

from .models import Report, ReportKind
from .periods import report_range
from .reports.schedule import ended_periods


def visible_reports(user):
    scopes = region_scopes(user)
    if not scopes:
        return Report.objects.none()
    q = Q()
    for code in scopes:
        q |= Q(scope_region_id__gte=code, scope_region_id__lt=code + "\uffff")
    return Report.objects.filter(q).select_related("scope_region", "org")


def _get_report(user, pk: int) -> Report:
    report = visible_reports(user).filter(pk=pk).first()
    if report is None:
        raise Http404("未找到该报告")
    return report


@login_required
@require_GET
def reports_page(request):
    scopes = sorted(region_scopes(request.user))
    monthly, quarterly = (p for _, p in ended_periods(timezone.now()))
    return render(request, "analytics/reports.html", {
        "reports": visible_reports(request.user)[:100],
        "regions": Region.objects.filter(code__in=scopes),
        "kinds": ReportKind.choices, "default_period": monthly, "default_quarter": quarterly,
    })


@login_required
@require_POST
def request_report(request):
    from xinfang.jobs.tasks import build_report

    kind = request.POST.get("kind", "")
    period = request.POST.get("period", "").strip()
    region_code = request.POST.get("region", "")
    if kind not in ReportKind.values:
        messages.error(request, "请选择报告类型")
        return redirect("analytics:reports")
    try:
        start, _ = report_range(kind, period)
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("analytics:reports")
    if start > timezone.localdate():
        messages.error(request, "报告期间尚未开始")
        return redirect("analytics:reports")
    if region_code not in region_scopes(request.user):
        messages.error(request, "您只能为本单位所辖区域生成报告")
        return redirect("analytics:reports")
    seat = next((s for s in case_seats(request.user) if s.region_code == region_code), None)
    assert seat is not None  # region_scopes only holds the regions of the user's seats
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            kind=kind, period=period, scope_region_id=region_code,
            defaults={"org_id": seat.org_id, "requested_by": request.user})
        if created:
            enqueue_with_transaction(build_report, report.pk)
    if created:
        messages.success(request, f"已开始生成《{report.title}》")
    else:
        messages.info(request, f"《{report.title}》已存在，无需重复生成")
    return redirect("analytics:reports")


@login_required
@require_GET
def report_progress(request, pk: int):
    return render(request, "analytics/_report_row.html", {"r": _get_report(request.user, pk)})


@login_required
@require_GET
def download(request, pk: int, fmt: str):
    report = _get_report(request.user, pk)
    file = {"pdf": report.pdf, "xlsx": report.xlsx}.get(fmt)
    if not file:
        raise Http404("报告文件尚未生成")
    return FileResponse(file.open("rb"), as_attachment=True, filename=f"{report.title}.{fmt}")

"""Generating one report: figures → sentences → PDF (WeasyPrint, CJK fonts,
server-made SVG charts) and xlsx. Progress is written as it goes so the page
can show it; a report already done is left alone (the task is idempotent)."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..exports import chart_table, xlsx_bytes
from ..models import Report, ReportStatus
from . import svg
from .content import ReportContent, build_content

log = logging.getLogger(__name__)


def _progress(report_id: int, percent: int, **fields) -> None:
    Report.objects.filter(pk=report_id).update(progress=percent, **fields)


def _claim(report_id: int) -> bool:
    """Queued or failed → running, by a conditional update: two workers never build the same report."""
    return bool(Report.objects.filter(pk=report_id, status__in=[ReportStatus.QUEUED, ReportStatus.FAILED])
                .update(status=ReportStatus.RUNNING, progress=5, error=""))


def charts(content: ReportContent) -> dict[str, str]:
    d, t, r = content.data, content.trend, content.trend_rates
    return {
        "trend": svg.bar_chart(t["labels"], t["cases"]),
        "region": svg.bar_chart([r["name"] for r in d["region"]], [r["value"] for r in d["region"]], rotate=True),
        "category": svg.bar_chart([c["name"] for c in d["category"][:10]], [c["value"] for c in d["category"][:10]],
                                  rotate=True),
        "rates": svg.line_chart(content.trend_rates["months"],
                                {r["names"][k]: v for k, v in r["series"].items()},
                                unit="%", max_value=100),
    }


def render_pdf(content: ReportContent, generated_at) -> bytes:
    from weasyprint import HTML

    html = render_to_string("analytics/report_pdf.html", {
        "c": content, "d": content.data, "generated_at": generated_at,
        "charts": {k: mark_safe(v) for k, v in charts(content).items()},  # noqa: S308 - our own SVG, text escaped
    })
    return HTML(string=html).write_pdf()


def render_xlsx(content: ReportContent) -> bytes:
    data = content.data | {"series": content.trend}
    sheets = [("分析研判", ["内容"], [[p] for p in content.paragraphs])]
    for name, title in (("series", "近12个月趋势"), ("channel", "信访形式"), ("category", "内容分类"),
                        ("region", "地区分布"), ("org", "办理单位"), ("rates", "三率"), ("overdue", "超期事项")):
        headers, rows = chart_table(name, data)
        sheets.append((title, headers, rows))
    return xlsx_bytes(sheets, note=content.title)


def build(report_id: int) -> str:
    if not _claim(report_id):
        return "skipped"
    report = Report.objects.select_related("scope_region", "requested_by").get(pk=report_id)
    try:
        now = timezone.now()
        content = build_content(report.kind, report.period, report.scope_region, now, report.requested_by)
        _progress(report_id, 40)
        pdf = render_pdf(content, timezone.localtime(now))
        _progress(report_id, 80)
        xlsx = render_xlsx(content)
        stem = f"report-{report.kind}-{report.period}-{report.scope_region_id}"
        with transaction.atomic():
            report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
            report.status, report.progress, report.finished_at = ReportStatus.DONE, 100, timezone.now()
            report.save(update_fields=["pdf", "xlsx", "status", "progress", "finished_at"])
    except Exception as e:  # the page must say it failed, and a retry may claim it again
        log.exception("report %s failed", report_id)
        _progress(report_id, 0, status=ReportStatus.FAILED, error=f"{type(e).__name__}: {e}"[:500])
        return "failed"
    return "done"

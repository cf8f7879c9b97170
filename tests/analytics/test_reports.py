"""Monthly and quarterly analysis reports: sentences, PDF, xlsx, schedule, access."""

import datetime as dt
import os
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xinfang.analytics.models import Report, ReportStatus
from xinfang.analytics.reports.build import build
from xinfang.analytics.reports.content import build_content
from xinfang.analytics.reports.schedule import ended_periods, generate_due
from xinfang.analytics.rollups import fold_all
from xinfang.cases.models import Case
from xinfang.orgs.models import Region

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored


@pytest.fixture
def folded(generated, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    fold_all(generated)
    return generated


def test_it_writes_the_numbers_as_sentences(folded):
    wuxi = Region.objects.get(code="3202")
    content = build_content("monthly", "2025-10", wuxi, folded)
    total = Case.objects.filter(registered_at__date__gte=dt.date(2025, 10, 1),
                                registered_at__date__lt=dt.date(2025, 11, 1)).count()
    first = content.paragraphs[0]
    assert first.startswith(f"本月共受理信访事项 {total:,} 件，环比")
    assert "同比" in first
    assert any(p.startswith("从内容分类看，反映较集中的是") for p in content.paragraphs)
    assert any(p.startswith("三率情况：及时受理率") for p in content.paragraphs)
    assert content.title == "无锡市2025年10月信访形势分析研判报告"


def test_it_builds_pdf_and_xlsx_once(folded, make_user):
    leader = make_user("wx_bureau", "leader")
    report = Report.objects.create(kind="quarterly", period="2025-Q3", scope_region_id="3202",
                                   org=leader.memberships.get().org, requested_by=leader)
    assert build(report.pk) == "done"
    report.refresh_from_db()
    assert (report.status, report.progress) == (ReportStatus.DONE, 100)
    pdf = report.pdf.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    wb = load_workbook(BytesIO(report.xlsx.read()))
    assert wb.sheetnames[:3] == ["分析研判", "近12个月趋势", "信访形式"]
    assert wb["分析研判"]["A3"].value.startswith("本季度共受理信访事项")
    assert build(report.pk) == "skipped"  # a second worker, or a retry
    if os.environ.get("KEEP_ARTIFACTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "report-sample.pdf").write_bytes(pdf)


def test_the_schedule_makes_one_report_per_kind_period_and_bureau(folded, monkeypatch):
    from xinfang.analytics.reports import schedule

    built = []
    monkeypatch.setattr(schedule, "build", lambda pk: built.append(pk) or "done")
    now = dt.datetime(2025, 11, 3, 2, 0, tzinfo=dt.UTC)
    assert ended_periods(now) == [("monthly", "2025-10"), ("quarterly", "2025-Q3")]
    first = generate_due(now)
    assert first["created"] == Report.objects.count() >= 2 * 8  # city, province and seven counties
    assert generate_due(now)["created"] == 0
    assert Report.objects.filter(kind="monthly", period="2025-10", scope_region_id="320213").count() == 1


def test_reports_page_request_progress_and_download_permissions(folded, client, make_user, settings,
                                                               django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    lx = make_user("lx_bureau", "leader")
    client.force_login(lx)
    page = client.get("/analytics/reports/")
    assert page.status_code == 200 and "梁溪区" in page.content.decode()
    bad = client.post("/analytics/reports/new/", {"kind": "monthly", "period": "2025-13", "region": "320213"},
                      follow=True)
    assert "格式不正确" in bad.content.decode() and not Report.objects.exists()
    other = client.post("/analytics/reports/new/", {"kind": "monthly", "period": "2025-10", "region": "320281"},
                        follow=True)
    assert "本单位所辖区域" in other.content.decode() and not Report.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/analytics/reports/new/", {"kind": "monthly", "period": "2025-10", "region": "320213"})
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE
    row = client.get(f"/analytics/reports/{report.pk}/progress/").content.decode()
    assert "已完成" in row and "hx-trigger" not in row
    pdf = client.get(f"/analytics/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    client.force_login(make_user("jy_bureau", "leader"))
    assert client.get(f"/analytics/reports/{report.pk}/pdf/").status_code == 404
    assert client.get(f"/analytics/reports/{report.pk}/progress/").status_code == 404
    client.force_login(make_user("wx_bureau", "analyst"))  # the city sees its districts' reports
    assert client.get(f"/analytics/reports/{report.pk}/xlsx/").status_code == 200


def test_a_report_in_progress_is_polled(folded, client, make_user):
    lx = make_user("lx_bureau", "leader")
    report = Report.objects.create(kind="monthly", period="2025-09", scope_region_id="320213",
                                   org=lx.memberships.get().org, status=ReportStatus.RUNNING, progress=40)
    client.force_login(lx)
    row = client.get(f"/analytics/reports/{report.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in row and "40%" in row

"""Warnings (group clusters, surges, urgent alerts) and the 研判预警 pages:
login, visibility, escaping, Chinese messages for bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.insights.conftest import at_week
from xinfang.insights import rollup
from xinfang.insights.api import active_warnings
from xinfang.insights.warnings import last_complete_week

pytestmark = pytest.mark.django_db

SAME = "我们是新联村的村民，村里养猪场粪污直排，臭气熏天，河水发黑，请求关停养猪场"


def _ingest() -> None:
    rollup.ingest_new(now=timezone.now() + timedelta(minutes=10))


def test_similar_group_petitions_in_a_window_are_one_cluster_warning(make_user, lx_case):
    for i in range(4):
        lx_case(f"养猪场污染{i}", SAME + f"（第{i + 1}批）", headcount=8)
    lx_case("拖欠工资", "工地拖欠工资，包工头失联", headcount=6)
    lx_case("养猪场污染", SAME)  # one person: not a group petition
    today = timezone.localdate()
    warnings = active_warnings(make_user("wx_bureau", "leader"), today - timedelta(days=29), today)
    clusters = [w for w in warnings if w["kind"] == "group_cluster"]
    assert len(clusters) == 1
    assert "4批集体访（合计32人）" in clusters[0]["explanation"]
    assert clusters[0]["title"].startswith("集体访聚集：") and "养猪场" in clusters[0]["title"]
    assert set(clusters[0]) == {"kind", "level", "title", "explanation", "url"}
    # Another county's bureau sees none of it.
    assert active_warnings(make_user("jy_bureau", "leader"), today - timedelta(days=29), today) == []


def test_a_county_surge_is_a_warning(make_user, lx_case):
    today = timezone.localdate()
    # The last complete week: on a Sunday, the week ending today (it once failed every Sunday).
    last_monday = last_complete_week(today)
    for weeks_back in range(1, 13):
        for i in range(2):
            at_week(lx_case("噪音", f"夜间施工噪音{i}"), last_monday - timedelta(weeks=weeks_back))
    for i in range(14):
        at_week(lx_case("电梯", f"电梯停运{i}"), last_monday)
    _ingest()
    warnings = active_warnings(make_user("wx_bureau", "supervisor"), today - timedelta(days=6), today)
    surges = [w for w in warnings if w["kind"] == "surge"]
    assert any(w["title"] == "问题属地「梁溪区」信访量激增" for w in surges)
    region = next(w for w in surges if "梁溪区" in w["title"])
    assert "最近一周" in region["explanation"] and "登记14件" in region["explanation"]


def test_pages_need_login(client):
    for url in ["/insights/", "/insights/hotspots/", "/insights/warnings/", "/insights/forecasts/",
                "/insights/hotspots/?term=电梯"]:
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/"), url


def test_pages_render_for_staff(client, lx_registrar, lx_case):
    lx_case("小区电梯停运", "电梯停运，物业公司不修")
    lx_case("电梯故障", "电梯经常故障，困人")
    _ingest()
    client.force_login(lx_registrar)
    for url in ["/insights/", "/insights/hotspots/", "/insights/warnings/", "/insights/forecasts/?horizon=12"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
    body = client.get("/insights/hotspots/").content.decode()
    assert "电梯" in body and 'id="hotspot-data"' in body


def test_the_drill_down_lists_only_visible_cases_and_escapes_input(client, lx_registrar, make_user, lx_case):
    case = lx_case("小区电梯停运", "电梯停运，物业公司不修")
    client.force_login(lx_registrar)
    body = client.get("/insights/hotspots/?term=电梯").content.decode()
    assert case.number in body
    client.force_login(make_user("jy_bureau", "registrar"))
    assert case.number not in client.get("/insights/hotspots/?term=电梯").content.decode()
    body = client.get("/insights/hotspots/?term=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_bad_input_gets_a_chinese_message(client, lx_registrar):
    client.force_login(lx_registrar)
    cases = [
        ("/insights/hotspots/?start=2026-05-01&end=2026-04-01", "开始日期不能晚于结束日期"),
        ("/insights/warnings/?start=not-a-date", "开始日期格式不正确"),
        ("/insights/forecasts/?horizon=99", "预测周数应在4到12之间"),
        ("/insights/hotspots/?region=320281", "所选区域不在您的查看范围内"),
        ("/insights/hotspots/?term=", "请提供关键词"),
    ]
    for url, message in cases:
        resp = client.get(url)
        assert resp.status_code == 200 and message in resp.content.decode(), url

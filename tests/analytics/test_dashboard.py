"""Dashboard figures: the rollups agree with live queries and with rates.py,
and nobody counts cases they may not see."""

import datetime as dt

import pytest

from xinfang.analytics import dashboard as dash
from xinfang.analytics.filters import FilterError, Filters, parse_filters
from xinfang.analytics.rollups import fold_all
from xinfang.analytics.scope import LIVE, ROLLUP, scope_for
from xinfang.analytics.sources import LiveSource
from xinfang.cases.models import Case
from xinfang.disclosure import rates
from xinfang.orgs.access import visible_cases

START, END = dt.date(2024, 12, 1), dt.date(2025, 11, 21)  # the generated months, NOW's day included
ALL_CHARTS = {"summary", "series", "channel", "category", "region", "org", "rates", "overdue"}


@pytest.fixture
def folded(generated):
    fold_all(generated)
    return generated


def same_figures(a: dict, b: dict) -> None:
    """Equal, except the overdue count: the rollups count open 受理/办理 deadlines,
    the live path every running org clock; the list of overdue cases is the same."""
    a, b = dict(a), dict(b)
    assert a.pop("overdue")["items"] == b.pop("overdue")["items"]
    assert a == b


def live_data(user, scope, f, now):
    """The same charts, forced through live queries on visible_cases(user)."""
    original = dash.source_for
    dash.source_for = lambda user, scope, f, today, now: LiveSource(user, f, today, now)
    try:
        return dash.dashboard_data(user, scope, f, now, charts=ALL_CHARTS)
    finally:
        dash.source_for = original


@pytest.mark.parametrize("granularity", ["month", "week"])
def test_it_gives_the_same_figures_from_rollups_as_from_live_queries(folded, make_user, granularity):
    analyst = make_user("wx_bureau", "analyst")
    scope = scope_for(analyst)
    assert scope.mode == ROLLUP and scope.regions == ("3202",)
    f = Filters(dt.date(2025, 1, 10), END, granularity)
    from_rollups = dash.dashboard_data(analyst, scope, f, folded, charts=ALL_CHARTS)
    assert from_rollups["summary"]["total"] > 100
    same_figures(from_rollups, live_data(analyst, scope, f, folded))


def test_it_filters_every_chart_by_county_category_and_channel(folded, make_user):
    analyst = make_user("wx_bureau", "analyst")
    scope = scope_for(analyst)
    case = Case.objects.order_by("pk").first()
    params = {"from": "2024-12-01", "to": "2025-11-20", "region": case.issue_region_id[:6],
              "category": str(case.category.parent_id), "channel": case.channel}
    f = parse_filters(params, scope, dt.date(2025, 11, 20))
    data = dash.dashboard_data(analyst, scope, f, folded, charts=ALL_CHARTS)
    expected = Case.objects.filter(issue_region__code__startswith=params["region"], channel=case.channel,
                                   category__parent_id=case.category.parent_id,
                                   registered_at__date__gte=START).count()
    assert data["summary"]["total"] == expected > 0
    assert sum(data["series"]["cases"]) == expected
    assert [r["code"] for r in data["region"]] == [params["region"]]
    assert [c["value"] for c in data["channel"] if c["code"] != case.channel] == [0, 0, 0]
    same_figures(data, live_data(analyst, scope, f, folded))


def test_its_rates_from_rollups_equal_the_published_formulas(folded, make_user):
    analyst = make_user("wx_bureau", "analyst")
    scope = scope_for(analyst)
    data = dash.dashboard_data(analyst, scope, Filters(dt.date(2025, 1, 1), dt.date(2025, 11, 1)), folded,
                               charts={"rates"})["rates"]
    checked = 0
    for i, month in enumerate(data["months"]):
        period = rates.Period.parse_month(month)
        for name, fn in (("timely_acceptance", rates.timely_acceptance), ("on_time_reply", rates.on_time_reply),
                         ("satisfaction", rates.satisfaction)):
            r = fn(Case.objects.all(), period, now=folded)
            assert data["series"][name][i] == (None if r.rate is None else round(r.rate * 100, 1)), (month, name)
            checked += r.denominator
    assert checked > 100


def test_a_district_user_never_sees_another_districts_counts(folded, make_user):
    lx = make_user("lx_bureau", "registrar")
    scope = scope_for(lx)
    assert scope.mode == ROLLUP and scope.county_codes == {"320213"}
    f = Filters(START, END)
    data = dash.dashboard_data(lx, scope, f, folded, charts=ALL_CHARTS)
    in_district = Case.objects.filter(issue_region__code__startswith="320213", registered_at__date__gte=START).count()
    assert data["summary"]["total"] == in_district < Case.objects.count()
    assert [r["code"] for r in data["region"]] == ["320213"]
    numbers = {i["number"] for i in data["overdue"]["items"]}
    assert numbers <= set(Case.objects.filter(issue_region__code__startswith="320213").values_list("number", flat=True))
    with pytest.raises(FilterError, match="不在您的统计范围内"):
        parse_filters({"region": "320281"}, scope, dt.date(2025, 11, 20))


def test_a_department_user_sees_only_its_cases_through_live_queries(folded, make_user):
    handler = make_user("jy_zhujian", "handler")
    scope = scope_for(handler)
    assert scope.mode == LIVE
    mine = visible_cases(handler)
    f = Filters(START, END)
    data = dash.dashboard_data(handler, scope, f, folded, charts=ALL_CHARTS)
    expected = mine.filter(registered_at__date__gte=START).count()
    assert data["summary"]["total"] == expected
    assert expected < Case.objects.count()
    assert sum(r["value"] for r in data["region"]) == expected
    overdue = {i["number"] for i in data["overdue"]["items"]}
    assert overdue <= set(mine.values_list("number", flat=True))


def test_admin_roles_have_no_dashboard(client, make_user):
    client.force_login(make_user("wx_bureau", "auditor"))
    assert client.get("/analytics/").status_code == 403
    assert client.get("/analytics/data/").status_code == 403


def test_the_data_endpoint_and_chart_downloads(folded, client, make_user):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(make_user("lx_bureau", "leader"))
    resp = client.get("/analytics/data/", {"from": "2024-12-01", "to": "2025-11-20"})
    assert resp.status_code == 200
    data = resp.json()
    # No hotspot counts were ingested here: the insights app answers with nothing.
    assert set(ALL_CHARTS) <= set(data) and data["hotspots"] == []
    bad = client.get("/analytics/data/", {"from": "2025-11-20", "to": "2025-01-01"})
    assert bad.status_code == 400 and bad.json()["error"] == "结束日期不能早于开始日期"
    xlsx = client.get("/analytics/export/region/", {"from": "2024-12-01", "to": "2025-11-20"})
    assert xlsx.status_code == 200
    ws = load_workbook(BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("区划代码", "县（市、区）", "信访事项数")
    assert rows[2] == ("320213", "梁溪区", data["region"][0]["value"])
    assert client.get("/analytics/export/hotspots/").status_code == 200  # an empty sheet, not an error
    assert client.get("/analytics/export/nope/").status_code == 404


def test_hotspots_and_warnings_show_when_the_insights_app_answers(folded, client, make_user, monkeypatch):
    from xinfang.analytics import insights_adapter

    seen = {}

    def hotspots(user, start, end, region_code=None, limit=10):
        seen["args"] = (start, end, region_code)
        return [{"phrase": "电梯停运", "weight": 3.2, "count": 17, "growth": 0.5, "url": "/insights/x/"}]

    monkeypatch.setattr(insights_adapter, "top_hotspots", hotspots)
    monkeypatch.setattr(insights_adapter, "active_warnings", lambda user, start, end, limit=20: [
        {"kind": "surge", "level": "高", "title": "梁溪区物业投诉激增", "explanation": "本周 30 件", "url": "/insights/w/"}])
    client.force_login(make_user("lx_bureau", "leader"))
    data = client.get("/analytics/data/", {"from": "2025-01-01", "to": "2025-11-20", "region": "320213"}).json()
    assert data["hotspots"][0]["phrase"] == "电梯停运"
    assert data["warnings"][0]["title"] == "梁溪区物业投诉激增"
    assert seen["args"] == (dt.date(2025, 1, 1), dt.date(2025, 11, 21), "320213")
    xlsx = client.get("/analytics/export/hotspots/", {"from": "2025-01-01", "to": "2025-11-20"})
    assert xlsx.status_code == 200

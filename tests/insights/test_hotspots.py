"""Hotspots and emerging topics per period and region, within what the user sees."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.insights.conftest import at_week
from xinfang.cases.models import CaseOrg
from xinfang.insights import rollup
from xinfang.insights.api import top_hotspots
from xinfang.insights.hotspots import emerging
from xinfang.insights.models import RollupCursor, TermTotal, TermWeek
from xinfang.insights.scope import scope_for

pytestmark = pytest.mark.django_db

PERIOD_START = date(2026, 5, 4)  # a Monday; the period is 4 weeks


def build_weeks(region: str, term: str, per_week: list[int], first: date) -> None:
    """Rows as the rollup writes them: the county and every level above it."""
    for i, n in enumerate(per_week):
        for key in rollup.region_levels(region):
            if n:
                row, _ = TermWeek.objects.get_or_create(week=first + timedelta(weeks=i), region=key, term=term)
                TermWeek.objects.filter(pk=row.pk).update(count=row.count + n)


@pytest.fixture
def constructed(db):
    """8 baseline weeks then 4 period weeks: 电梯 jumps from 2 to 10 a week,
    物业公司 stays at 5, 工资 in 江阴 only."""
    first = PERIOD_START - timedelta(weeks=8)
    build_weeks("320213", "电梯", [2] * 8 + [10] * 4, first)
    build_weeks("320213", "物业公司", [5] * 12, first)
    build_weeks("320281", "拖欠工资", [1] * 8 + [9] * 4, first)
    RollupCursor.objects.create(name="cases", last_case_id=10**9, cases_counted=1000)
    TermTotal.objects.bulk_create([TermTotal(term="电梯", count=56), TermTotal(term="物业公司", count=60),
                                   TermTotal(term="拖欠工资", count=44)])


def test_it_finds_emerging_topics_by_growth_against_their_own_baseline(constructed, make_user):
    city = make_user("wx_bureau", "supervisor")
    end = PERIOD_START + timedelta(days=27)
    found = {h.phrase: h for h in emerging(scope_for(city), PERIOD_START, end)}
    assert set(found) == {"电梯", "拖欠工资"}  # 物业公司 did not grow
    # (10/wk + 1) / (2/wk + 1) − 1 with the one-case-a-week prior
    assert found["电梯"].growth == pytest.approx(11 / 3 - 1, abs=0.001)
    assert found["电梯"].count == 40 and found["电梯"].baseline == 16

    hot = top_hotspots(city, PERIOD_START, end, limit=5)
    assert [h["phrase"] for h in hot][:1] == ["电梯"]
    assert set(hot[0]) == {"phrase", "weight", "count", "growth", "url"}
    by = {h["phrase"]: h for h in hot}
    assert by["物业公司"]["growth"] == pytest.approx(0.0)
    assert "term=%E7%94%B5%E6%A2%AF" in by["电梯"]["url"]


def test_it_narrows_to_a_region_and_to_what_the_user_sees(constructed, make_user):
    end = PERIOD_START + timedelta(days=27)
    jy = make_user("jy_bureau", "leader")
    assert {h["phrase"] for h in top_hotspots(jy, PERIOD_START, end)} == {"拖欠工资"}
    # Asking for another county gives nothing, not that county's phrases.
    assert top_hotspots(jy, PERIOD_START, end, region_code="320213") == []
    city = make_user("wx_bureau", "analyst")
    assert {h["phrase"] for h in top_hotspots(city, PERIOD_START, end, region_code="320213")} == {"电梯", "物业公司"}
    assert top_hotspots(make_user("wx_bureau", "sysadmin"), PERIOD_START, end) == []


def test_growth_is_none_without_a_baseline(constructed, make_user):
    city = make_user("wx_bureau", "supervisor")
    first = PERIOD_START - timedelta(weeks=8)
    hot = top_hotspots(city, first, first + timedelta(days=13))
    assert hot and all(h["growth"] is None for h in hot)


def test_a_department_gets_live_hotspots_from_its_own_cases(orgs, make_user, lx_case):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    mine = [at_week(lx_case("电梯停运", f"小区电梯停运{i}个月，物业公司不修"), monday) for i in range(3)]
    at_week(lx_case("拖欠工资", "工地拖欠工资，包工头失联"), monday)
    handler = make_user("wx_zhujian", "handler")
    for c in mine:
        CaseOrg.objects.create(case=c, org=orgs["wx_zhujian"], relation="forwarded")
    rollup.ingest_new(now=timezone.now() + timedelta(minutes=10))
    phrases = {h["phrase"] for h in top_hotspots(handler, monday, monday + timedelta(days=6))}
    assert "电梯" in phrases
    assert "拖欠工资" not in phrases  # not a case this department handles

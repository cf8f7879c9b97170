"""三率 on a small month worked out by hand (September 2026, seen on 10 October).

Every clock is started and stopped through the clock functions at pinned
Beijing times, so due dates follow the statutory rules:

- 受理告知 15日 from 08-25 → due 09-09;  办理 60日 from 07-10 → due 09-08;
- 简易办理 10个工作日 from 08-27 → due 09-10;  评价 7日 from 09-01 → due 09-08;
- 办理 60日 from 07-01 → 08-30 (Sunday) … plus a 20-day extension → 09-19
  (Saturday) → 09-21, still September.

Org A = 梁溪区住房和城乡建设局, org B = 梁溪区城市管理局, both cases
registered by 梁溪区信访局 (the bureau rated in the two-way evaluation).

| case | org | 受理告知 (due 09-09)   | 办理 / 简易办理                   | rating (handler) in Sept       | 评价 window (due 09-08)        |
|------|-----|------------------------|-----------------------------------|--------------------------------|--------------------------------|
| c1   | A   | met 09-01              | met 09-05                         | self 满意 (+ proxy 不满意: self wins) | rated                     |
| c2   | A*  | met 09-09 20:00        | late 09-20                        | proxy 基本满意                  | rated (late)                   |
| c3   | A   | late 09-12             | overdue, still running            | —                              | —                              |
| c4   | A   | overdue, still running | —                                 | —                              | —                              |
| c5   | B   | met 09-03              | met 09-07                         | self 满意 (+ third party 不满意: not counted) | rated             |
| c6   | A   | due in October: not counted | —                            | —                              | —                              |
| c7   | A   | cancelled: not counted | —                                 | —                              | —                              |
| c8   | B   | —                      | simple, met 09-10                 | October: not counted           | —                              |
| c9   | A   | —                      | extended to 09-21, met 09-18      | self 不满意                     | rated                          |
| c10  | A   | —                      | —                                 | —                              | expired unrated (running)      |
| c11  | A   | —                      | —                                 | —                              | closed early by a review request: not counted |
| c12  | A   | —                      | —                                 | —                              | expired, then cancelled on archiving |

*c2 is now with 梁溪区人民政府 for review, but org A signed its reply: it stays A's.
"""

import re

import pytest
from django.utils import timezone

from tests.disclosure.conftest import bj
from xinfang.cases.models import Case
from xinfang.cases.models_procedure import Evaluation
from xinfang.disclosure import rates
from xinfang.disclosure.rates import Period
from xinfang.rules import clocks

pytestmark = pytest.mark.django_db

SEPTEMBER = Period.month(2026, 9)
NOW = bj("2026-10-10 12:00")

# The table a domain owner checks: (numerator, denominator) per org and in total.
#                  及时受理率  按期办结率  群众满意率  参评率   cases counted
EXPECTED = {
    "lx_zhujian":   ((2, 4),   (2, 4),   (2, 3),   (3, 5),  7),
    "lx_chengguan": ((1, 1),   (2, 2),   (1, 1),   (1, 1),  2),
}  # fmt: skip
TOTAL = {"timely_acceptance": (3, 5), "on_time_reply": (4, 6), "satisfaction": (3, 4), "participation": (4, 6)}
EXPLAINED = [
    "及时受理率 = 3 ÷ 5 = 60.0%",
    "按期办结率 = 4 ÷ 6 = 66.7%",
    "群众满意率 = 3 ÷ 4 = 75.0%",
    "参评率 = 4 ÷ 6 = 66.7%",
]
FORMULAS = [
    "及时受理率 = 按期受理告知数 ÷ 应受理告知数（按期 + 超期 + 逾期未告知）",
    "按期办结率 = 按期办结数 ÷ 应办结数（按期办结 + 超期办结 + 逾期未办结）",
    "群众满意率 = （满意 + 基本满意）数 ÷ 参评数",
    "参评率 = 参评数 ÷ （参评数 + 评价期满未评价数）",
]


@pytest.fixture
def september(orgs, make_case, sign_letter):
    """The month of the module docstring. Returns the cases by name."""
    A, B = "lx_zhujian", "lx_chengguan"

    def clock(case, kind, start, stop=None, cancel=None):
        clocks.start_clock(case, kind, at=bj(start))
        if stop:
            clocks.stop_clock(case, kind, at=bj(stop))
        if cancel:
            clocks.cancel_clock(case, kind, at=bj(cancel))

    def rate(case, org, rating, at, source="self", target="handler"):
        Evaluation.objects.create(case=case, org=orgs[org], target=target, rating=rating, source=source, at=bj(at))

    c = {name: make_case(org) for name, org in [
        ("c1", A), ("c2", "lx_gov"), ("c3", A), ("c4", A), ("c5", B), ("c6", A), ("c7", A), ("c8", B),
        ("c9", A), ("c10", A), ("c11", A), ("c12", A)]}
    sign_letter(c["c2"], A, at="2026-09-20 10:00")

    accept = "2026-08-25 10:00"
    clock(c["c1"], "accept", accept, stop="2026-09-01 10:00")
    clock(c["c2"], "accept", accept, stop="2026-09-09 20:00")
    clock(c["c3"], "accept", accept, stop="2026-09-12 10:00")
    clock(c["c4"], "accept", accept)
    clock(c["c5"], "accept", accept, stop="2026-09-03 10:00")
    clock(c["c6"], "accept", "2026-09-20 10:00", stop="2026-09-21 10:00")
    clock(c["c7"], "accept", accept, cancel="2026-08-28 10:00")

    handle = "2026-07-10 10:00"
    clock(c["c1"], "handle", handle, stop="2026-09-05 10:00")
    clock(c["c2"], "handle", handle, stop="2026-09-20 10:00")
    clock(c["c3"], "handle", handle)
    clock(c["c5"], "handle", handle, stop="2026-09-07 10:00")
    clock(c["c8"], "simple", "2026-08-27 10:00", stop="2026-09-10 10:00")
    clock(c["c9"], "handle", "2026-07-01 10:00")
    clocks.extend_clock(c["c9"], "handle", 20, at=bj("2026-08-20 10:00"), reason="需要现场勘验")
    clocks.stop_clock(c["c9"], "handle", at=bj("2026-09-18 10:00"))

    window = "2026-09-01 10:00"
    clock(c["c1"], "evaluate", window, stop="2026-09-05 10:00")
    clock(c["c2"], "evaluate", window, stop="2026-09-21 10:00")
    clock(c["c5"], "evaluate", window, stop="2026-09-04 10:00")
    clock(c["c9"], "evaluate", window, stop="2026-09-06 10:00")
    clock(c["c10"], "evaluate", window)
    clock(c["c11"], "evaluate", window, cancel="2026-09-05 10:00")
    clock(c["c12"], "evaluate", window, cancel="2026-09-20 10:00")

    rate(c["c1"], A, "satisfied", "2026-09-05 10:00")
    rate(c["c1"], A, "dissatisfied", "2026-09-06 10:00", source="proxy")
    rate(c["c2"], A, "basically_satisfied", "2026-09-21 10:00", source="proxy")
    rate(c["c5"], B, "satisfied", "2026-09-04 10:00")
    rate(c["c5"], B, "dissatisfied", "2026-09-25 10:00", source="third_party")
    rate(c["c8"], B, "satisfied", "2026-10-02 10:00")
    rate(c["c9"], A, "dissatisfied", "2026-09-06 10:00")
    # The petitioners' rating of the bureau (two-way evaluation).
    rate(c["c1"], "lx_bureau", "satisfied", "2026-09-05 10:00", target="bureau")
    rate(c["c5"], "lx_bureau", "dissatisfied", "2026-09-04 10:00", target="bureau")
    return c


def pair(rate):
    return (rate.numerator, rate.denominator)


def test_it_computes_the_rates_of_each_org_as_worked_out_by_hand(orgs, september):
    cases = Case.objects.all()
    for key, (timely, on_time, satisfied, participated, _) in EXPECTED.items():
        org_ids = [orgs[key].pk]
        assert pair(rates.timely_acceptance(cases, SEPTEMBER, org_ids=org_ids, now=NOW)) == timely, key
        assert pair(rates.on_time_reply(cases, SEPTEMBER, org_ids=org_ids, now=NOW)) == on_time, key
        assert pair(rates.satisfaction(cases, SEPTEMBER, org_ids=org_ids, now=NOW)) == satisfied, key
        assert pair(rates.participation(cases, SEPTEMBER, org_ids=org_ids, now=NOW)) == participated, key


def test_it_computes_the_totals_and_says_how(orgs, september):
    cases = Case.objects.all()
    figures = {name: getattr(rates, name)(cases, SEPTEMBER, now=NOW) for name in TOTAL}
    assert {name: pair(r) for name, r in figures.items()} == TOTAL
    assert figures["timely_acceptance"] == (3, 5, 0.6)  # numerator, denominator, rate
    assert [rates.FORMULAS[name].explain(figures[name]) for name in TOTAL] == EXPLAINED
    assert [rates.FORMULAS[name].text for name in TOTAL] == FORMULAS


def test_it_ranks_only_orgs_with_enough_cases(orgs, september):
    rows = {r.org_id: r for r in rates.rates_by_org(Case.objects.all(), SEPTEMBER, now=NOW)}
    for key, (timely, on_time, satisfied, participated, volume) in EXPECTED.items():
        row = rows[orgs[key].pk]
        assert (pair(row.timely_acceptance), pair(row.on_time_reply), pair(row.satisfaction),
                pair(row.participation), row.volume) == (timely, on_time, satisfied, participated, volume), key
    ranked, unranked = rates.ranking(list(rows.values()), "satisfaction", min_volume=5)
    assert [r.org_id for r in ranked] == [orgs["lx_zhujian"].pk]
    assert orgs["lx_chengguan"].pk in [r.org_id for r in unranked]


def test_it_rates_the_bureau_separately(orgs, september):
    cases = Case.objects.all()
    bureau = [orgs["lx_bureau"].pk]
    assert pair(rates.satisfaction(cases, SEPTEMBER, org_ids=bureau, now=NOW, target="bureau")) == (1, 2)
    # Six windows closed in September (c11 was closed early by a review request); two rated the bureau.
    assert pair(rates.participation(cases, SEPTEMBER, org_ids=bureau, now=NOW, target="bureau")) == (2, 6)


def test_it_counts_what_was_known_on_the_day(orgs, september):
    """Seen on 9 September at noon: c2's and c3's acceptances and c4's deadline
    had not come yet; nothing after that moment counts."""
    cases = Case.objects.all()
    assert pair(rates.timely_acceptance(cases, SEPTEMBER, now=bj("2026-09-09 12:00"))) == (2, 2)
    assert pair(rates.timely_acceptance(cases, SEPTEMBER, now=bj("2026-09-10 00:00"))) == (3, 5)
    assert rates.timely_acceptance(cases, Period.month(2026, 12), now=NOW) == (0, 0, None)
    assert rates.FORMULAS["timely_acceptance"].explain(rates.Rate.of(0, 0)) == "及时受理率：本期没有应统计的事项"


@pytest.mark.parametrize(("text", "ok"), [("2026-09", True), ("2026-9", True), ("2026-13", False),
                                          ("09-2026", False), ("abc", False), ("", False)])
def test_it_reads_the_month_or_says_why_not(text, ok):
    if ok:
        assert Period.parse_month(text) == SEPTEMBER
    else:
        with pytest.raises(ValueError, match="格式不正确"):
            Period.parse_month(text)


def test_it_publishes_the_monthly_statistics_with_formulas_beside_the_figures(client, orgs, september,
                                                                             monkeypatch, make_case):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    # Volumes: registered in September, by district, channel and top-level category.
    make_case("lx_zhujian", registered_at="2026-09-03 09:00", channel="visit")
    make_case("lx_zhujian", registered_at="2026-09-30 23:00", channel="online")
    make_case("jy_zhujian", region="320281", registered_at="2026-09-15 09:00", channel="online")
    make_case("lx_zhujian", registered_at="2026-09-16 09:00", status="merged")  # a duplicate: not counted
    make_case("lx_zhujian", registered_at="2026-10-01 00:30")  # October in Beijing

    response = client.get("/open/stats/?month=2026-09")
    html = response.content.decode()
    assert response.status_code == 200 and "2026年9月" in html
    assert re.search(r'data-testid="total">\s*3 件', html)
    for text in EXPLAINED + FORMULAS:
        assert text in html, text
    district = re.search(r'data-testid="by-district".*?</table>', html, re.S).group(0)
    assert re.search(r"梁溪区</td><td[^>]*>2<", district) and re.search(r"江阴市</td><td[^>]*>1<", district)
    channel = re.search(r'data-testid="by-channel".*?</table>', html, re.S).group(0)
    assert re.search(r"网上</td><td[^>]*>2<", channel) and re.search(r"来访</td><td[^>]*>1<", channel)
    assert re.search(r"城乡建设</td><td[^>]*>3<", html)
    org_table = re.search(r'data-testid="org-rates".*?</table>', html, re.S).group(0)
    assert "梁溪区住房和城乡建设局" in org_table and "梁溪区城市管理局" not in org_table  # 2 cases: below 5
    assert "50.0%" in org_table and "2 ÷ 4" in org_table and "3 ÷ 5" in org_table
    assert "梁溪区城市管理局（2件）" in html
    assert 'id="stats-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "cdn" not in html.lower()


def test_it_caches_the_statistics_page_for_a_few_minutes(client, orgs, make_case, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    first = client.get("/open/stats/?month=2026-09")
    assert "max-age=300" in first["Cache-Control"]
    make_case("lx_zhujian", registered_at="2026-09-03 09:00")
    assert client.get("/open/stats/?month=2026-09").content == first.content


def test_it_explains_a_bad_month_in_chinese(client, orgs, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    html = client.get("/open/stats/?month=2026-13").content.decode()
    assert "月份“2026-13”格式不正确" in html and "2026年9月" in html  # shows the last complete month
    html = client.get("/open/stats/?month=2027-01").content.decode()
    assert "尚未开始" in html

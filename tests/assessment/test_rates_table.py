"""三率 per org, per region, bureau and handling org, worked out by hand
(September 2026, seen on 10 October 2026 at noon).

Due dates (statutory rules, Beijing time): 处理 and 受理告知 15日 from 08-25 →
09-09; 办理 60日 from 07-10 → 09-08; 评价 7日 from 09-01 → 09-08.
A = 梁溪区住建局, B = 梁溪区城管局 (issues in 梁溪区, registered by 梁溪区信访局 "LX");
C = 江阴市住建局 (issue in 江阴市, registered by 江阴市信访局 "JY").

| case | handler | 处理 (bureau)  | 受理告知        | 办理            | 评价 window         | handler rating     | bureau rating      |
|------|---------|---------------|-----------------|-----------------|---------------------|--------------------|--------------------|
| k1   | A       | met 08-28     | met 09-01       | met 09-05       | rated               | self 满意          | self 满意          |
| k2   | A       | late 09-12    | late 09-12      | overdue, open   | —                   | —                  | —                  |
| k3   | A       | met 09-01     | overdue, open   | —               | —                   | —                  | —                  |
| k4   | B       | met 09-02     | met 09-03       | late 09-20      | rated (proxy)       | proxy 基本满意      | proxy 不满意        |
| k5   | B       | —             | —               | —               | expired unrated     | —                  | —                  |
| k6   | C (JY)  | overdue, open | met 09-04       | met 09-06       | rated               | self 不满意        | self 满意          |
| k7   | A*      | —             | —               | met 09-07       | expired, then archived | —               | —                  |
| k8   | A       | —             | due in October  | —               | —                   | —                  | —                  |

*k7 is held by 梁溪区人民政府 now (review), but A signed its reply: it stays A's.
"""

import pytest

from tests.disclosure.conftest import bj
from xinfang.assessment import rates as arates
from xinfang.assessment.rates import Scope, counts, drill_down, spec
from xinfang.assessment.tables import ranking, rates_table
from xinfang.cases.models_procedure import Evaluation
from xinfang.disclosure.rates import Period
from xinfang.rules import clocks

pytestmark = pytest.mark.django_db

SEPTEMBER = Period.month(2026, 9)
NOW = bj("2026-10-10 12:00")
KEYS = ("timely_acceptance", "on_time_reply", "satisfaction", "participation")

#                         及时受理率  按期办结率  群众满意率  参评率
HANDLER = {
    "lx_zhujian":         ((1, 3),   (2, 3),   (1, 1),   (1, 2)),
    "lx_chengguan":       ((1, 1),   (0, 1),   (1, 1),   (1, 2)),
    "jy_zhujian":         ((1, 1),   (1, 1),   (0, 1),   (1, 1)),
}
BUREAU = {
    "lx_bureau":          ((3, 4),   (2, 4),   (1, 2),   (2, 4)),
    "jy_bureau":          ((0, 1),   (1, 1),   (1, 1),   (1, 1)),
}
HANDLER_TOTAL =           ((3, 5),   (3, 5),   (2, 3),   (3, 5))
BUREAU_TOTAL =            ((3, 5),   (3, 5),   (2, 3),   (3, 5))
LIANGXI_HANDLER_TOTAL =   ((2, 4),   (2, 4),   (2, 2),   (2, 4))
# fmt: skip


@pytest.fixture
def month(orgs, make_case, sign_letter):
    A, B, C = "lx_zhujian", "lx_chengguan", "jy_zhujian"
    jy = {"region": "320281", "registered_by": "jy_bureau"}
    k = {name: make_case(org, **extra) for name, org, extra in [
        ("k1", A, {}), ("k2", A, {}), ("k3", A, {}), ("k4", B, {}), ("k5", B, {}), ("k6", C, jy),
        ("k7", "lx_gov", {}), ("k8", A, {})]}
    sign_letter(k["k7"], A, at="2026-09-07 09:00")

    def clock(case, kind, start, stop=None, cancel=None):
        clocks.start_clock(case, kind, at=bj(start))
        if stop:
            clocks.stop_clock(case, kind, at=bj(stop))
        if cancel:
            clocks.cancel_clock(case, kind, at=bj(cancel))

    def rate(case, org, rating, source="self", target="handler", at="2026-09-05 10:00"):
        Evaluation.objects.create(case=case, org=orgs[org], target=target, rating=rating, source=source, at=bj(at))

    start = "2026-08-25 10:00"
    clock(k["k1"], "dispose", start, stop="2026-08-28 10:00")
    clock(k["k2"], "dispose", start, stop="2026-09-12 10:00")
    clock(k["k3"], "dispose", start, stop="2026-09-01 10:00")
    clock(k["k4"], "dispose", start, stop="2026-09-02 10:00")
    clock(k["k6"], "dispose", start)
    clock(k["k1"], "accept", start, stop="2026-09-01 10:00")
    clock(k["k2"], "accept", start, stop="2026-09-12 10:00")
    clock(k["k3"], "accept", start)
    clock(k["k4"], "accept", start, stop="2026-09-03 10:00")
    clock(k["k6"], "accept", start, stop="2026-09-04 10:00")
    clock(k["k8"], "accept", "2026-09-20 10:00")
    handle = "2026-07-10 10:00"
    clock(k["k1"], "handle", handle, stop="2026-09-05 10:00")
    clock(k["k2"], "handle", handle)
    clock(k["k4"], "handle", handle, stop="2026-09-20 10:00")
    clock(k["k6"], "handle", handle, stop="2026-09-06 10:00")
    clock(k["k7"], "handle", handle, stop="2026-09-07 10:00")
    window = "2026-09-01 10:00"
    clock(k["k1"], "evaluate", window, stop="2026-09-05 10:00")
    clock(k["k4"], "evaluate", window, stop="2026-09-21 10:00")
    clock(k["k5"], "evaluate", window)
    clock(k["k6"], "evaluate", window, stop="2026-09-05 10:00")
    clock(k["k7"], "evaluate", window, cancel="2026-09-20 10:00")

    rate(k["k1"], A, "satisfied")
    rate(k["k1"], "lx_bureau", "satisfied", target="bureau")
    rate(k["k4"], B, "basically_satisfied", source="proxy", at="2026-09-21 10:00")
    rate(k["k4"], "lx_bureau", "dissatisfied", source="proxy", target="bureau", at="2026-09-21 10:00")
    rate(k["k6"], C, "dissatisfied")
    rate(k["k6"], "jy_bureau", "satisfied", target="bureau")
    return k


def pairs(rates_by_key):
    return tuple((rates_by_key[key].numerator, rates_by_key[key].denominator) for key in KEYS)


@pytest.mark.parametrize(("target", "expected", "total"),
                         [("handler", HANDLER, HANDLER_TOTAL), ("bureau", BUREAU, BUREAU_TOTAL)])
def test_it_computes_each_orgs_rates_as_worked_out_by_hand(orgs, month, target, expected, total):
    table = rates_table(Scope(), SEPTEMBER, NOW, target=target)
    got = {row.key: pairs(row.rates) for row in table.rows}
    assert got == {orgs[key].pk: value for key, value in expected.items()}
    assert pairs({f.key: f.rate for f in table.totals}) == total


def test_it_limits_the_figures_to_a_region_subtree(orgs, month):
    table = rates_table(Scope("320213"), SEPTEMBER, NOW, target="handler")
    assert pairs({f.key: f.rate for f in table.totals}) == LIANGXI_HANDLER_TOTAL
    assert orgs["jy_zhujian"].pk not in {row.key for row in table.rows}


def test_it_groups_by_the_regions_below_the_chosen_one(orgs, month):
    table = rates_table(Scope("3202"), SEPTEMBER, NOW, target="handler", group_by="region")
    got = {row.key: pairs(row.rates) for row in table.rows}
    assert got["320213"] == LIANGXI_HANDLER_TOTAL
    assert got["320281"] == HANDLER["jy_zhujian"]
    assert {row.label for row in table.rows} == {"梁溪区", "江阴市"}


@pytest.mark.parametrize("target", ["handler", "bureau"])
def test_it_drills_down_to_exactly_the_items_counted(orgs, month, target):
    scope = Scope()
    expected = HANDLER if target == "handler" else BUREAU
    for key in KEYS:
        s = spec(target, key)
        grouped = counts(s, scope, SEPTEMBER, NOW)
        for org_key in expected:
            org = orgs[org_key].pk
            for part, figure in (("numerator", grouped[org].numerator), ("denominator", grouped[org].denominator)):
                items = list(drill_down(s, scope, SEPTEMBER, NOW, part, org_id=org))
                assert len(items) == figure, (key, org_key, part)
                assert len({i.pk for i in items}) == figure


def test_the_drill_down_names_the_cases(orgs, month):
    s = spec("handler", "on_time_reply")
    items = drill_down(s, Scope(), SEPTEMBER, NOW, "denominator", org_id=orgs["lx_zhujian"].pk)
    assert sorted(i.case_id for i in items) == sorted([month["k1"].pk, month["k2"].pk, month["k7"].pk])
    met = drill_down(s, Scope(), SEPTEMBER, NOW, "numerator", org_id=orgs["lx_zhujian"].pk)
    assert sorted(i.case_id for i in met) == sorted([month["k1"].pk, month["k7"].pk])


def test_it_ranks_only_orgs_whose_figure_rests_on_enough_items(orgs, month):
    table = rates_table(Scope(), SEPTEMBER, NOW, target="handler")
    ranked, unranked = ranking(table.rows, "timely_acceptance", min_volume=2)
    assert [r.key for r in ranked] == [orgs["lx_zhujian"].pk]  # 1 ÷ 3 with three items
    assert {r.key for r in unranked} == {orgs["lx_chengguan"].pk, orgs["jy_zhujian"].pk}  # 100% on one item each
    ranked, _ = ranking(table.rows, "timely_acceptance", min_volume=1)
    assert [r.key for r in ranked][-1] == orgs["lx_zhujian"].pk


def test_it_agrees_with_the_published_monthly_rates(orgs, month):
    """One set of rules: the SQL aggregates give what disclosure.rates gives row by row."""
    from xinfang.cases.models import Case
    from xinfang.disclosure import rates as published

    cases = Case.objects.all()
    for row in published.rates_by_org(cases, SEPTEMBER, now=NOW):
        mine = {k: counts(spec("handler", k), Scope(exclude_merged=False), SEPTEMBER, NOW) for k in KEYS}
        for key in KEYS:
            theirs = getattr(row, key)
            assert mine[key].get(row.org_id, arates.Rate.of(0, 0))[:2] == theirs[:2], (row.org_id, key)


def test_it_agrees_with_the_published_table_of_the_disclosure_tests(orgs, september):
    """The disclosure month (tests/disclosure/test_rates.py) through the SQL aggregates."""
    from tests.disclosure.test_rates import EXPECTED

    for key, expected in EXPECTED.items():
        got = tuple((r.numerator, r.denominator) for r in (
            counts(spec("handler", k), Scope(), SEPTEMBER, NOW).get(orgs[key].pk) for k in KEYS))
        assert got == expected[:4], key


@pytest.mark.parametrize("target", ["handler", "bureau"])
@pytest.mark.parametrize("group_by", ["org", "region", "total"])
def test_counting_all_four_at_once_gives_what_counting_each_gives(orgs, month, target, group_by):
    together = arates.counts_all(target, Scope("3202"), SEPTEMBER, NOW, group_by=group_by)
    for key in KEYS:
        alone = counts(spec(target, key), Scope("3202"), SEPTEMBER, NOW, group_by=group_by)
        assert {g: r for g, r in together[key].items() if r.denominator} == {
            g: r for g, r in alone.items() if r.denominator}, key


def test_the_monthly_tallies_give_the_same_table_and_say_when_they_were_taken(orgs, month, monkeypatch):
    from xinfang.assessment import tables
    from xinfang.assessment.tables import period_between
    from xinfang.assessment.tallies import refresh

    refresh(SEPTEMBER.start.date(), SEPTEMBER.start.date(), now=NOW)
    for target, expected in (("handler", HANDLER), ("bureau", BUREAU)):
        table = rates_table(Scope("3202"), SEPTEMBER, NOW, target=target)
        assert table.snapshot_at == NOW
        assert {row.key: pairs(row.rates) for row in table.rows} == {orgs[k].pk: v for k, v in expected.items()}
    by_region = rates_table(Scope("3202"), SEPTEMBER, NOW, target="handler", group_by="region")
    assert {row.key: pairs(row.rates) for row in by_region.rows}["320213"] == LIANGXI_HANDLER_TOTAL
    # A period of September plus half of August: the whole month from the tallies, the rest live.
    mixed = period_between(bj("2026-08-15 00:00").date(), bj("2026-09-30 00:00").date())
    with_tallies = rates_table(Scope("3202"), mixed, NOW, target="handler")
    monkeypatch.setattr(tables, "USE_TALLIES", False)
    live = rates_table(Scope("3202"), mixed, NOW, target="handler")
    assert live.snapshot_at is None and with_tallies.snapshot_at == NOW
    assert [(r.key, pairs(r.rates)) for r in with_tallies.rows] == [(r.key, pairs(r.rates)) for r in live.rows]


def test_tallies_are_not_used_where_they_cannot_apply(orgs, month, make_user):
    from xinfang.assessment.scope import scope_for
    from xinfang.assessment.tallies import refresh

    refresh(SEPTEMBER.start.date(), SEPTEMBER.start.date(), now=NOW)
    handler = make_user("lx_zhujian", "handler")  # sees only its own cases: counted live
    assert rates_table(scope_for(handler, None), SEPTEMBER, NOW, target="handler").snapshot_at is None
    town = rates_table(Scope("320213021"), SEPTEMBER, NOW, target="handler")  # below county level
    assert town.snapshot_at is None and pairs({f.key: f.rate for f in town.totals}) == LIANGXI_HANDLER_TOTAL

"""Clocks on a case: start, stop (met / missed), cancel, pause for a hearing,
extend, and the case's next due time. Every time is a pinned Beijing time."""

from datetime import date

import pytest

from tests.rules.conftest import bj
from xinfang.cases.models import Case
from xinfang.rules import clocks
from xinfang.rules.clocks import ClockError
from xinfang.rules.models import Clock, RuleSet

pytestmark = pytest.mark.django_db


def next_due(case):
    return Case.objects.values_list("next_due_at", flat=True).get(pk=case.pk)


def test_it_starts_a_clock_that_explains_itself(case):
    clock = clocks.start_clock(case, "dispose", at=bj("2026-09-28 10:00"))
    assert (clock.state, clock.due_date, clock.due_at) == ("running", date(2026, 10, 13), bj("2026-10-13 23:59:59"))
    assert clock.explanation == [
        "处理期限：15日（《信访工作条例》第二十二条）",
        "起算：2026-09-28 收到（当日不计入）",
        "15日 → 2026-10-13",
        "2026-10-13 为工作日，无需顺延",
    ]
    assert clock.article == "《信访工作条例》第二十二条" and clock.warnings == []
    assert next_due(case) == case.next_due_at == bj("2026-10-13 23:59:59")


@pytest.mark.parametrize(("stopped", "state", "line"), [
    ("2026-10-13 23:59:59", "met", "2026-10-13 完成，在期限（2026-10-13）内"),
    ("2026-10-14 00:00:00", "missed", "2026-10-14 完成，超过期限（2026-10-13）1日"),
    ("2026-10-20 09:00:00", "missed", "2026-10-20 完成，超过期限（2026-10-13）7日"),
])
def test_it_stops_a_clock_met_or_missed(case, stopped, state, line):
    clocks.start_clock(case, "dispose", at=bj("2026-09-28 10:00"))
    clock = clocks.stop_clock(case, "dispose", at=bj(stopped))
    assert clock.state == state and clock.explanation[-1] == line
    assert clock.stopped_at == bj(stopped)
    assert next_due(case) is None
    assert clocks.stop_clock(case, "dispose", at=bj(stopped)) is None  # stopping twice is harmless


def test_it_cancels_a_clock(case):
    clocks.start_clock(case, "accept", at=bj("2026-09-28 10:00"))
    clock = clocks.cancel_clock(case, "accept", at=bj("2026-09-29 10:00"))
    assert clock.state == "cancelled" and clock.explanation[-1] == "2026-09-29 撤销计时"
    assert next_due(case) is None and clocks.running_clocks(case).count() == 0


def test_it_keeps_next_due_on_the_earliest_running_clock(case):
    clocks.start_clock(case, "handle", at=bj("2026-09-28 10:00"))  # 60日 → 2026-11-27
    clocks.start_clock(case, "object", at=bj("2026-09-29 10:00"))  # 5个工作日 → 2026-10-12
    assert next_due(case) == bj("2026-10-12 23:59:59")
    assert [c.kind for c in clocks.running_clocks(case)] == ["object", "handle"]
    clocks.stop_clock(case, "object", at=bj("2026-10-09 16:00"))
    assert next_due(case) == bj("2026-11-27 23:59:59")


def test_it_refuses_a_second_open_clock_of_the_same_kind(case):
    clocks.start_clock(case, "accept", at=bj("2026-09-28 10:00"))
    with pytest.raises(ClockError, match="已有正在计时的「受理告知」期限"):
        clocks.start_clock(case, "accept", at=bj("2026-09-29 10:00"))
    assert Clock.objects.filter(case=case).count() == 1


def test_it_lets_the_assigner_set_report_back_days_but_never_lengthen_a_statutory_limit(case):
    with pytest.raises(ClockError, match="须由交办单位指定天数"):
        clocks.start_clock(case, "report_back", at=bj("2026-09-28 10:00"))
    report = clocks.start_clock(case, "report_back", at=bj("2026-09-28 10:00"), amount=10)
    assert report.due_date == date(2026, 10, 8)  # 10-08 is the first working day after 国庆
    with pytest.raises(ClockError, match="不得超过《信访工作条例》第二十二条规定的15日"):
        clocks.start_clock(case, "dispose", at=bj("2026-09-28 10:00"), amount=20)
    assert clocks.start_clock(case, "dispose", at=bj("2026-09-28 10:00"), amount=7).due_date == date(2026, 10, 8)


def test_it_uses_the_case_rule_set_or_a_local_one(make_case):
    old = make_case(rule_set="2005", n=1)
    assert clocks.start_clock(old, "handle", at=bj("2026-09-28 10:00")).article == "《信访条例》第三十三条"
    RuleSet.objects.create(code="wuxi", name="无锡市规则", base="2022",
                           overrides={"dispose": {"amount": 7, "article": "无锡市本地规定"}})
    local = make_case(rule_set="wuxi", n=2)
    clock = clocks.start_clock(local, "dispose", at=bj("2026-09-28 10:00"))
    assert (clock.amount, clock.due_date, clock.article) == (7, date(2026, 10, 8), "无锡市本地规定")
    with pytest.raises(ClockError, match="没有代码为「nowhere」的规则"):
        clocks.start_clock(local, "accept", at=bj("2026-09-28 10:00"), rule_set="nowhere")


def test_it_pushes_the_reexamination_due_date_by_the_hearing_days(case):
    clock = clocks.start_clock(case, "reexamine", at=bj("2026-11-02 10:00"))
    assert clock.due_date == date(2026, 12, 2)
    paused = clocks.pause_clock(case, "reexamine", at=bj("2026-11-16 09:00"))
    assert paused.state == "paused" and paused.explanation[-1] == "2026-11-16 举行听证，中止计算"
    assert next_due(case) is None  # a paused clock is not ticking
    assert clocks.running_clock(case, "reexamine", paused=True) is not None
    assert clocks.running_clock(case, "reexamine", paused=False) is None

    resumed = clocks.resume_clock(case, "reexamine", at=bj("2026-11-18 17:00"))
    # 30 + 3 hearing days = 33 days → 2026-12-05, a Saturday → Monday 12-07.
    assert (resumed.state, resumed.paused_days_total, resumed.due_date) == ("running", 3, date(2026, 12, 7))
    assert resumed.explanation[-1] == ("2026-11-18 恢复计算：2026-11-16 至 2026-11-18 听证所需时间3日不计入期限，"
                                       "期限由 2026-12-02 顺延至 2026-12-07")
    assert next_due(case) == bj("2026-12-07 23:59:59")


def test_it_pauses_only_where_the_rules_exclude_hearing_time(case):
    clocks.start_clock(case, "handle", at=bj("2026-09-28 10:00"))
    with pytest.raises(ClockError, match="「办理」期限不能中止计算"):
        clocks.pause_clock(case, "handle", at=bj("2026-10-09 10:00"))
    with pytest.raises(ClockError, match="没有正在计时的「复核」期限"):
        clocks.resume_clock(case, "reexamine", at=bj("2026-10-09 10:00"))


def test_it_extends_the_handling_clock_by_at_most_30_days(case):
    clock = clocks.start_clock(case, "handle", at=bj("2026-08-01 10:00"))
    assert clock.due_date == date(2026, 9, 30)
    clock = clocks.extend_clock(case, "handle", 20, at=bj("2026-09-20 10:00"), reason="需现场勘验")
    assert clock.due_date == date(2026, 10, 20)
    assert clock.explanation[-1] == ("2026-09-20 经批准延期20日（理由：需现场勘验；《信访工作条例》第三十四条），"
                                     "期限由 2026-09-30 调整为 2026-10-20")
    with pytest.raises(ClockError, match="延长期限不得超过30日.*最多还可延期10日"):
        clocks.extend_clock(case, "handle", 11, at=bj("2026-09-21 10:00"), reason="再延")
    clock = clocks.extend_clock(case, "handle", 10, at=bj("2026-09-21 10:00"), reason="再延")
    assert (clock.extended_days, clock.due_date) == (30, date(2026, 10, 30))
    assert next_due(case) == bj("2026-10-30 23:59:59")


@pytest.mark.parametrize(("kind", "days", "at", "reason", "message"), [
    ("handle", 10, "2026-10-01 00:00:01", "需补充材料", "已于 2026-09-30 届满，不能再延期"),
    ("handle", 10, "2026-09-20 10:00", "", "请填写延期理由"),
    ("handle", 0, "2026-09-20 10:00", "需补充材料", "延期天数须为正整数"),
    ("handle", 31, "2026-09-20 10:00", "需补充材料", "延长期限不得超过30日"),
    ("accept", 10, "2026-09-20 10:00", "需补充材料", "「受理告知」期限不能延期"),
])
def test_it_refuses_extensions_the_rules_do_not_allow(case, kind, days, at, reason, message):
    clocks.start_clock(case, kind, at=bj("2026-08-01 10:00"))
    with pytest.raises(ClockError, match=message):
        clocks.extend_clock(case, kind, days, at=bj(at), reason=reason)
    assert Clock.objects.get(case=case).extended_days == 0


def test_it_adds_days_for_limits_that_are_not_clocks(db):
    assert clocks.add_days(bj("2026-09-18 10:00"), 15) == date(2026, 10, 8)
    assert clocks.add_days(date(2026, 9, 29), 5, unit="working_days") == date(2026, 10, 12)

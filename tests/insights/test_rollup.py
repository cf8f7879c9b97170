"""The weekly rollups: filled incrementally by the worker job, equal to a
backfill, each case counted once, never a petitioner's name."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.insights.conftest import at_week
from xinfang.insights import rollup
from xinfang.insights.models import RollupCursor, TermTotal, TermWeek, VolumeWeek

pytestmark = pytest.mark.django_db



def later():
    """A moment when everything registered so far has settled."""
    return timezone.now() + timedelta(minutes=10)


def snapshot() -> tuple:
    return (
        sorted(TermWeek.objects.values_list("week", "region", "term", "count")),
        sorted(TermTotal.objects.values_list("term", "count")),
        sorted(VolumeWeek.objects.values_list("week", "region", "category_id", "count")),
    )


def test_it_counts_incrementally_exactly_like_a_backfill(lx_case, jy_case):
    w1, w2 = date(2026, 3, 2), date(2026, 3, 9)
    at_week(lx_case("小区电梯停运", "电梯停运三个月，物业公司不维修"), w1)
    at_week(lx_case("物业费上涨", "物业公司擅自上涨物业费"), w1)
    rollup.ingest_new(now=later())
    at_week(jy_case("拖欠工资", "建筑工地拖欠农民工工资半年"), w2)
    at_week(lx_case("电梯噪音", "电梯运行噪音扰民，物业公司推诿"), w2)
    # Two more small batches, as a worker would run them over time.
    assert rollup.ingest_batch(now=later(), batch=1) == 1
    assert rollup.ingest_new(now=later()) == {"counted": 1}
    assert rollup.ingest_new(now=later()) == {"counted": 0}  # idempotent
    incremental = snapshot()
    assert RollupCursor.objects.get().cases_counted == 4

    call_command("backfill_insights", "--reset", stdout=io.StringIO())
    assert snapshot() == incremental
    terms = {(w, r, t): n for w, r, t, n in incremental[0]}
    assert terms[(w1, "320213", "物业公司")] == 2
    assert terms[(w2, "320213", "物业公司")] == 1
    assert terms[(w2, "320281", "拖欠工资")] == 1
    assert dict(incremental[1])["电梯"] == 2
    assert sum(n for *_, n in incremental[2]) == 4


def test_it_waits_for_a_case_to_settle_before_passing_it(lx_case):
    lx_case("电梯停运", "电梯停运")
    assert rollup.ingest_new() == {"counted": 0}  # just registered: a lower id might still commit
    assert rollup.ingest_new(now=later()) == {"counted": 1}


def test_a_cursor_moved_by_another_worker_rolls_the_batch_back(lx_case):
    at_week(lx_case("电梯停运", "电梯停运"), date(2026, 3, 2))
    RollupCursor.objects.create(name=rollup.CURSOR)
    real = rollup.count_cases

    def racing(rows):
        # Another worker commits the same batch while we count.
        RollupCursor.objects.filter(name=rollup.CURSOR).update(last_case_id=rows[-1][0])
        return real(rows)

    rollup.count_cases = racing
    try:
        with pytest.raises(RuntimeError):
            rollup.ingest_batch(now=later())
    finally:
        rollup.count_cases = real
    assert not TermWeek.objects.exists() and not VolumeWeek.objects.exists()


def test_it_never_counts_a_petitioners_name(lx_case):
    # make_case registers the petitioner 张三.
    at_week(lx_case("张三反映电梯问题", "我叫张三，小区电梯停运，张三多次找物业公司"), date(2026, 3, 2))
    rollup.ingest_new(now=later())
    terms = set(TermTotal.objects.values_list("term", flat=True))
    assert "电梯" in terms
    assert not any("张三" in t for t in terms)


def test_it_keeps_phrases_and_drops_stop_words_and_fragments():
    from xinfang.insights.phrases import case_phrases
    from xinfang.lib.text import index_text

    found = case_phrases(index_text("反映物业管理问题", "尊敬的领导：您好！我们小区物业管理混乱，希望相关部门尽快解决，谢谢"))
    assert "物业管理" in found
    assert not found & {"问题", "领导", "您好", "谢谢", "希望", "相关", "解决", "物业", "管理"}

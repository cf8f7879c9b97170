"""Deadline reminders go out once per reminder point, however often and however
many workers sweep."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.concurrency import run_concurrently
from xinfang.notifications.models import Notification
from xinfang.rules.models import Clock
from xinfang.supervision.models import ReminderLog, ReminderRule, parse_days_before
from xinfang.supervision.reminders import reminder_point, sweep


def at(day, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def handle_clock(case) -> Clock:
    return Clock.objects.get(case=case, kind="handle", state="running")


def keys(clock) -> list[str]:
    return sorted(ReminderLog.objects.filter(clock=clock).values_list("key", flat=True))


def test_it_fires_each_reminder_point_exactly_once(accepted):
    clock = handle_clock(accepted.case)
    due = clock.due_date
    handler, leader = accepted.user("lx_zhujian", "handler"), accepted.user("lx_zhujian", "leader")

    assert sweep(at(due - timedelta(days=5)))["fired"] == 0
    for day in (due - timedelta(days=3), due - timedelta(days=2), due, due + timedelta(days=1)):
        sweep(at(day))
        sweep(at(day, 15))  # a second sweep the same day changes nothing
    sweep(at(due + timedelta(days=1)))

    overdue = f"overdue:{(due + timedelta(days=1)).isoformat()}"
    assert keys(clock) == sorted(["before:3", "due", overdue])
    assert set(ReminderLog.objects.filter(clock=clock).values_list("recipients", flat=True)) == {2}
    for user in (handler, leader):
        texts = list(Notification.objects.filter(user=user, kind="deadline").values_list("text", flat=True))
        assert len(texts) == 3
        assert sum("已超期1天" in t for t in texts) == 1
        assert sum("今日" in t for t in texts) == 1
        assert sum("还有3天" in t for t in texts) == 1
    assert Notification.objects.filter(kind="deadline", is_urgent=True).count() == 2
    # The registrar of 梁溪区信访局 does not handle the case and hears nothing.
    assert not Notification.objects.filter(user=accepted.user("lx_bureau", "registrar"), kind="deadline").exists()


def test_it_reminds_again_each_day_it_stays_overdue(accepted):
    clock = handle_clock(accepted.case)
    due = clock.due_date
    for n in (1, 2, 2, 3):
        sweep(at(due + timedelta(days=n)))
    assert keys(clock) == sorted(f"overdue:{(due + timedelta(days=n)).isoformat()}" for n in (1, 2, 3))


def test_it_sends_only_the_most_urgent_point_when_first_seen_late(accepted):
    clock = handle_clock(accepted.case)
    sweep(at(clock.due_date))
    assert keys(clock) == ["due"]


def test_it_stays_quiet_for_stopped_clocks_and_inactive_rules(accepted):
    clock = handle_clock(accepted.case)
    ReminderRule.objects.filter(clock_kind="handle").update(is_active=False)
    assert sweep(at(clock.due_date))["fired"] == 0
    ReminderRule.objects.filter(clock_kind="handle").update(is_active=True)
    Clock.objects.filter(pk=clock.pk).update(state="met")
    assert sweep(at(clock.due_date))["fired"] == 0
    assert not ReminderLog.objects.exists()


def test_it_parses_offsets():
    assert parse_days_before("0, 3，1") == [3, 1, 0]
    with pytest.raises(ValueError):
        parse_days_before("-1")


@pytest.mark.django_db(transaction=True)
def test_it_fires_once_when_workers_sweep_concurrently(accepted):
    clock = handle_clock(accepted.case)
    now = at(clock.due_date + timedelta(days=1))
    results = run_concurrently(lambda: sweep(now), workers=4)
    assert sum(r["fired"] for r in results) == 1
    assert keys(clock) == [f"overdue:{(clock.due_date + timedelta(days=1)).isoformat()}"]
    assert Notification.objects.filter(kind="deadline").count() == 2  # handler and leader, once each


def test_it_skips_a_reminder_another_worker_claimed_between_read_and_insert(accepted):
    clock = handle_clock(accepted.case)
    now = at(clock.due_date)
    ReminderLog.objects.create(clock=clock, key="due", fired_at=now)  # the other worker's claim
    assert sweep(now)["fired"] == 0
    assert not Notification.objects.filter(kind="deadline").exists()


@pytest.mark.parametrize("days_before", ["7,3,1,0", "0", "", "2"])
def test_the_set_based_sweep_picks_the_same_point_as_the_readable_rule(accepted, days_before):
    """reminder_point is the specification; the SQL windows must agree with it
    for every distance from the due date."""
    clock = handle_clock(accepted.case)
    rule = ReminderRule.objects.get(clock_kind="handle")
    rule.days_before = days_before
    rule.save()
    for offset in range(-3, 10):
        ReminderLog.objects.all().delete()
        now = at(clock.due_date - timedelta(days=offset), 10)
        expected = reminder_point(clock, rule, now)
        sweep(now)
        assert keys(clock) == ([expected.key] if expected else []), (days_before, offset)


def test_a_capped_sweep_sends_the_rest_next_time_most_urgent_first(accepted, orgs, make_user, monkeypatch):
    from tests.cases.test_transitions_table import Scenario
    from xinfang.supervision import reminders

    other = Scenario(orgs, make_user)
    other.reach("accepted")
    late, soon = handle_clock(accepted.case), handle_clock(other.case)
    Clock.objects.filter(pk=late.pk).update(due_date=late.due_date - timedelta(days=10),
                                            due_at=late.due_at - timedelta(days=10))
    late.refresh_from_db()
    now = at(soon.due_date)  # `soon` is due today, `late` overdue by 10 days
    monkeypatch.setattr(reminders, "MAX_PER_SWEEP", 1)
    assert sweep(now)["fired"] == 1
    assert keys(soon) == ["due"] and keys(late) == []
    assert sweep(now)["fired"] == 1
    assert keys(late) == [f"overdue:{soon.due_date.isoformat()}"]
    assert sweep(now)["fired"] == 0

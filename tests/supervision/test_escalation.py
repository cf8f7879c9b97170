"""Overdue N days → the supervising bureau's supervisors are told and one 督办单
is drafted, exactly once, even with two workers sweeping at the same moment."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.concurrency import run_concurrently
from xinfang.notifications.models import Notification
from xinfang.rules.models import Clock
from xinfang.supervision.escalation import escalate
from xinfang.supervision.models import EscalationLog, EscalationRule, SupervisionOrder
from xinfang.supervision.reminders import sweep
from xinfang.supervision.scope import supervising_bureau


def at(day, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def lx_supervisor(make_user, escalation_rule):
    return make_user("lx_bureau", "supervisor")


def handle_clock(case) -> Clock:
    return Clock.objects.get(case=case, kind="handle", state="running")


def test_it_finds_the_supervising_bureau_through_the_superior(orgs):
    assert supervising_bureau(orgs["lx_zhujian"]) == orgs["lx_bureau"]
    assert supervising_bureau(orgs["lx_bureau"]) == orgs["wx_bureau"]
    assert supervising_bureau(orgs["wx_zhujian"]) == orgs["wx_bureau"]


def test_it_waits_until_the_clock_is_overdue_n_days(accepted, lx_supervisor):
    clock = handle_clock(accepted.case)
    rule = EscalationRule.objects.get(clock_kind="handle", overdue_days=5)
    assert escalate(at(clock.due_date + timedelta(days=4))) == 0
    assert escalate(at(clock.due_date + timedelta(days=5))) == 1
    assert escalate(at(clock.due_date + timedelta(days=6))) == 0  # once per (clock, rule)

    order = SupervisionOrder.objects.get()
    assert order.status == "draft" and order.source == "escalation"
    assert order.case == accepted.case
    assert order.org == accepted.orgs["lx_zhujian"] and order.issued_by_org == accepted.orgs["lx_bureau"]
    assert order.escalation.rule == rule and order.issued_at is None
    assert order.deadline == clock.due_date + timedelta(days=5 + rule.order_days)
    told = Notification.objects.get(kind="escalation")
    assert told.user == lx_supervisor and "超期5天" in told.text and told.is_urgent
    # The handling org's own staff are not told about the escalation (they get the daily reminders).
    assert not Notification.objects.filter(kind="escalation", user=accepted.user("lx_zhujian", "handler")).exists()


def test_it_notifies_without_drafting_when_the_rule_says_so(accepted, lx_supervisor):
    clock = handle_clock(accepted.case)
    EscalationRule.objects.update(draft_order=False)
    escalate(at(clock.due_date + timedelta(days=7)))
    assert not SupervisionOrder.objects.exists()
    assert "请督办" in Notification.objects.get(kind="escalation").text


def test_it_ignores_stopped_clocks_and_inactive_rules(accepted, lx_supervisor):
    clock = handle_clock(accepted.case)
    EscalationRule.objects.update(is_active=False)
    assert escalate(at(clock.due_date + timedelta(days=9))) == 0
    EscalationRule.objects.update(is_active=True)
    Clock.objects.filter(pk=clock.pk).update(state="met")
    assert escalate(at(clock.due_date + timedelta(days=9))) == 0
    assert not EscalationLog.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_draft_exactly_one_order(accepted, lx_supervisor):
    clock = handle_clock(accepted.case)
    now = at(clock.due_date + timedelta(days=6))
    results = run_concurrently(lambda: sweep(now))
    assert sum(r["escalated"] for r in results) == 1
    assert sum(r["fired"] for r in results) == 1
    assert SupervisionOrder.objects.count() == 1
    assert Notification.objects.filter(kind="escalation").count() == 1


def test_the_bulk_index_agrees_with_the_one_by_one_walk(orgs):
    from xinfang.orgs.models import Org
    from xinfang.supervision.scope import BureauIndex

    index = BureauIndex()
    for org in Org.objects.all():
        expected = supervising_bureau(org)
        assert index.bureau_id_above(org.pk) == (expected.pk if expected else None), org.name

"""One deadline sweep over a million open cases (issue 6: aim ≤ 10 s).

Two measurements, both inside a transaction that is rolled back, so the bench
database keeps no reminders, notifications or drafted orders:

1. The bench database as generated: its running clocks (most generated cases
   are long finished, so far fewer than a million are open).
2. A million running clocks: 办理 clocks are added, inside the same kind of
   rolled-back transaction, to every case without an open one, with deadlines
   spread from 20 days ago to 70 days ahead (≈ 22 % overdue, ≈ 4 % within the
   3-day reminder window), and two handlers/leaders are seated in every org,
   so each reminder reaches two people as it would in production.

For each: the first sweep of the day (reminders due are claimed and notified,
at most MAX_PER_SWEEP of them; the rest follow in the catch-up sweeps of the
next minutes), then the steady state (swept again: nothing new is due — what
most of the day's 1,440 sweeps cost), with the time of each phase."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

STEADY_RUNS = 5


class Rollback(Exception):
    pass


def _count(sql: str, params=()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def _timed(fn):
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


def _sweeps(label: str, now) -> None:
    from xinfang.supervision.reminders import MAX_PER_SWEEP, sweep

    ms, first = _timed(lambda: sweep(now))
    print(f"{label}: first sweep of the day {ms / 1000:7.2f} s  — {first}", flush=True)
    # Catch-up: reminders beyond the per-sweep cap go out in the next minutes' sweeps.
    catch_up, result = [], first
    while result["fired"] >= MAX_PER_SWEEP and len(catch_up) < 30:
        ms, result = _timed(lambda: sweep(now))
        catch_up.append(ms)
    if catch_up:
        print(f"{label}: catch-up sweeps {len(catch_up)}, p50 {statistics.median(catch_up) / 1000:6.2f} s, "
              f"max {max(catch_up) / 1000:6.2f} s — last {result}", flush=True)
    backlog = _mark_escalation_backlog(now)
    with connection.cursor() as cur:
        # Statistics as autovacuum keeps them in production: the rows added in this
        # (rolled-back) transaction are otherwise unknown to the planner.
        cur.execute("ANALYZE supervision_reminderlog, supervision_escalationlog, notifications_notification")
    if backlog:
        print(f"{label}: {backlog:,} further escalations (500 per sweep, oldest first) marked as done for the "
              f"steady-state figure", flush=True)
    steady = []
    for _ in range(STEADY_RUNS):
        ms, result = _timed(lambda: sweep(now))
        steady.append(ms)
    print(f"{label}: steady-state sweep p50 {statistics.median(steady) / 1000:6.2f} s, "
          f"max {max(steady) / 1000:6.2f} s (n={STEADY_RUNS}) — last {result}", flush=True)
    _phases(label, now)


def _mark_escalation_backlog(now) -> int:
    """Claim every escalation still owed, without drafting (the bench's stand-in
    for the hours of 500-per-minute sweeps that would work the backlog off)."""
    from xinfang.supervision.models import EscalationRule

    today = timezone.localdate(now)
    total = 0
    with connection.cursor() as cur:
        for rule in EscalationRule.objects.filter(is_active=True):
            cur.execute(
                "INSERT INTO supervision_escalationlog (clock_id, rule_id, fired_at, batch) "
                "SELECT c.id, %s, %s, 'bench' FROM rules_clock c WHERE c.state = 'running' AND c.kind = %s "
                "AND c.due_at <= %s AND c.due_date <= %s ON CONFLICT DO NOTHING",
                [rule.pk, now, rule.clock_kind, now, today - timedelta(days=rule.overdue_days)])
            total += cur.rowcount
    return total


def _phases(label: str, now) -> None:
    """Where a steady-state sweep spends its time."""
    import uuid

    from xinfang.supervision.escalation import escalate
    from xinfang.supervision.models import ReminderRule
    from xinfang.supervision.orders import remind_overdue_reports
    from xinfang.supervision.reminders import claim_all, windows

    today = timezone.localdate(now)
    all_windows = [w for r in ReminderRule.objects.filter(is_active=True) for w in windows(r, today)]
    parts = {
        "reminder claim": lambda: claim_all(all_windows, now, today, uuid.uuid4().hex),
        "escalation claim": lambda: escalate(now),
        "order report-backs": lambda: remind_overdue_reports(now),
    }
    timings = ", ".join(f"{name} {_timed(fn)[0]:.0f} ms" for name, fn in parts.items())
    print(f"{label}: steady-state phases — {timings}", flush=True)


def _state(label: str) -> None:
    cases = _count("SELECT count(*) FROM cases_case")
    open_cases = _count("SELECT count(*) FROM cases_case WHERE status IN ('registered', 'forwarded', 'assigned', "
                        "'accepted', 'reply_pending', 'reviewing', 'reexamining')")
    running = _count("SELECT count(*) FROM rules_clock WHERE state = 'running'")
    with_running = _count("SELECT count(DISTINCT case_id) FROM rules_clock WHERE state = 'running'")
    print(f"{label}: {cases:,} cases, {open_cases:,} open (being handled or reviewed), {running:,} running clocks "
          f"on {with_running:,} cases", flush=True)


def _seat_staff() -> int:
    """Two staff (a handler and a leader) in every active org, inside the rolled-back transaction."""
    from xinfang.accounts.models import User
    from xinfang.orgs.models import Membership, Org

    orgs = list(Org.objects.filter(is_active=True).values_list("pk", flat=True))
    users = User.objects.bulk_create([User(username=f"bench_sweep_{o}_{r}", password="!") for o in orgs
                                      for r in ("handler", "leader")])
    Membership.objects.bulk_create([Membership(user=u, org_id=int(u.username.split("_")[2]),
                                               role=u.username.split("_")[3]) for u in users])
    return len(users)


def _add_running_clocks(now) -> int:
    """A running 办理 clock on every case without an open one; deadlines −20 … +70 days."""
    today = timezone.localdate(now)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO rules_clock (case_id, kind, rule_set, article, started_at, start_date, amount, unit,
                                     extend_if_day_off, extended_days, due_date, due_at, state, paused_days_total,
                                     explanation, warnings, created_at)
            SELECT k.id, 'handle', '2022', 'bench', d.due - interval '60 days', (d.due - interval '60 days')::date,
                   60, 'calendar_days', true, 0, d.due::date,
                   (d.due::date + time '23:59:59') AT TIME ZONE 'Asia/Shanghai', 'running', 0,
                   '[]'::jsonb, '[]'::jsonb, now()
            FROM cases_case k
            CROSS JOIN LATERAL (SELECT %s::date + ((k.id * 7919) %% 91 - 20)::int AS due) d
            WHERE NOT EXISTS (SELECT 1 FROM rules_clock c WHERE c.case_id = k.id AND c.kind = 'handle'
                              AND c.state IN ('running', 'paused'))
            """,
            [today],
        )
        added = cur.rowcount
        cur.execute("ANALYZE rules_clock")
        cur.execute("ANALYZE orgs_membership")
    return added


def run() -> None:
    from xinfang.supervision.models import ReminderRule

    now = timezone.now()
    active = ", ".join(f"{r.clock_kind}[{r.days_before or '-'}{'+daily' if r.daily_when_overdue else ''}]"
                       for r in ReminderRule.objects.filter(is_active=True))
    print("\n== deadline sweep (reminders + escalation + order report-backs) ==", flush=True)
    print(f"active reminder rules: {active}", flush=True)

    # 1. The database as generated.
    try:
        with transaction.atomic():
            _state("as generated")
            _sweeps("as generated", now)
            raise Rollback
    except Rollback:
        pass

    # 2. A million running clocks.
    try:
        with transaction.atomic():
            t = time.perf_counter()
            staff = _seat_staff()
            added = _add_running_clocks(now)
            print(f"added {added:,} running 办理 clocks and {staff:,} staff in "
                  f"{time.perf_counter() - t:.0f} s (rolled back afterwards)", flush=True)
            _state("1M running")
            due_now = _count("SELECT count(*) FROM rules_clock WHERE state = 'running' AND due_at <= %s", [now])
            soon = _count("SELECT count(*) FROM rules_clock WHERE state = 'running' AND due_at > %s AND due_at <= %s",
                          [now, now + timedelta(days=4)])
            print(f"1M running: {due_now:,} overdue, {soon:,} due within 4 days", flush=True)
            _sweeps("1M running", now)
            raise Rollback
    except Rollback:
        pass

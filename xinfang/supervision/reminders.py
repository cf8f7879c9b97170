"""Deadline reminders (issue 6 §1–2): tell the handling org that a clock is about
to run out, runs out today, or has run out.

Modelled on healthchecks' sendalerts: no locks are held while notifying, and
nothing is sent from here — notices go to the in-app list and the outbox in the
same transaction as the claim. Each reminder point of each clock has one
ReminderLog row; inserting it is the claim. The sweep is set-based: per rule and
reminder window one `INSERT … SELECT … ON CONFLICT DO NOTHING` claims every clock
due for that point (a concurrent sweep inserting the same key waits on the unique
index and then skips it), and one `INSERT … SELECT` writes the notifications for
exactly the rows this sweep claimed (selected by its batch token). A million
running clocks cost a few index range scans, not a million Python objects.
A failed sweep rolls back its claims and the next minute's sweep tries again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from xinfang.cases.models import Case
from xinfang.notifications.models import Notification
from xinfang.orgs.models import Membership, Role
from xinfang.rules.kinds import ClockKind, ClockState
from xinfang.rules.models import Clock

from .models import ReminderLog, ReminderRule
from .remote import queue_remote_reminders

NOTIFIED_ROLES = (Role.HANDLER, Role.LEADER)
# At most this many reminders per sweep, the points before the deadline first,
# then overdue ones oldest first. The first sweep of a day on a big database owes
# a daily reminder to every overdue clock; capping it keeps each sweep short (no
# pile-up of minute jobs) and the rest follows in the next minutes' sweeps.
MAX_PER_SWEEP = 50_000


@dataclass(frozen=True)
class Point:
    key: str
    text: str
    is_urgent: bool


def reminder_point(clock: Clock, rule: ReminderRule, now: datetime) -> Point | None:
    """The reminder this clock is due for at `now`, or None — the readable
    specification of what the SQL windows below select. Only the most urgent
    point counts: a clock first seen on its due day gets "due", not a late
    "3 days before" as well."""
    today = timezone.localdate(now)
    label = f"{clock.get_kind_display()}期限"
    if now >= clock.due_at:
        late = max((today - clock.due_date).days, 0)
        key = f"overdue:{today.isoformat()}" if rule.daily_when_overdue else "overdue"
        return Point(key, f"已超过{label}（{clock.due_date:%Y-%m-%d} 届满），已超期{late}天，请立即办理", True)
    for days in sorted(rule.offsets):
        if today >= clock.due_date - timedelta(days=days):
            if days == 0:
                return Point("due", f"{label}今日（{clock.due_date:%Y-%m-%d}）届满，请抓紧办理", False)
            left = (clock.due_date - today).days
            return Point(f"before:{days}", f"{label}将于 {clock.due_date:%Y-%m-%d} 届满，还有{left}天", False)
    return None


@dataclass(frozen=True)
class Window:
    """The clocks of one kind owing one reminder point at `now`."""

    kind: str
    key: str
    overdue: bool
    first_day: date | None = None  # due_date >= (None when overdue)
    last_day: date | None = None  # due_date <= ; also bounds due_at for the index


def windows(rule: ReminderRule, today: date) -> list[Window]:
    """Disjoint windows, most urgent first, matching `reminder_point`: a clock
    whose due date is d days away falls in the smallest offset ≥ d."""
    out = [Window(rule.clock_kind, f"overdue:{today.isoformat()}" if rule.daily_when_overdue else "overdue", True)]
    previous = -1
    for days in sorted(rule.offsets):
        out.append(Window(rule.clock_kind, "due" if days == 0 else f"before:{days}", False,
                          today + timedelta(days=previous + 1), today + timedelta(days=days)))
        previous = days
    return out


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _dt(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _d(value: date):
    return connection.ops.adapt_datefield_value(value)


def _key_case(all_windows: list[Window], now: datetime) -> tuple[str, list]:
    """SQL CASE giving each clock row (alias c) the key of the window it falls in, else NULL."""
    whens, params = [], []
    for w in all_windows:
        if w.overdue:
            whens.append("WHEN c.kind = %s AND c.due_at <= %s THEN %s")
            params += [w.kind, _dt(now), w.key]
        else:
            assert w.first_day is not None and w.last_day is not None
            whens.append("WHEN c.kind = %s AND c.due_at > %s AND c.due_date >= %s AND c.due_date <= %s THEN %s")
            params += [w.kind, _dt(now), _d(w.first_day), _d(w.last_day), w.key]
    return "CASE " + " ".join(whens) + " END", params


def claim_all(all_windows: list[Window], now: datetime, today: date, token: str) -> int:
    """Insert the ReminderLog rows of every window in one statement; how many this sweep claimed.

    One range scan of the running clocks due before the furthest window (the
    (state, due_at) index), each given its window's key by a CASE; the NOT
    EXISTS skips what earlier sweeps claimed, ON CONFLICT what a concurrent
    sweep is claiming right now."""
    if not all_windows:
        return 0
    key_sql, key_params = _key_case(all_windows, now)
    horizon = max(((w.last_day - today).days for w in all_windows if w.last_day), default=0)
    kinds = sorted({w.kind for w in all_windows})
    log, clock, key = _table(ReminderLog), _table(Clock), connection.ops.quote_name("key")
    # recipients: how many the notification insert will reach (a correlated count:
    # two index lookups per claimed row, no statistics on fresh rows needed).
    recipients = (f"(SELECT COUNT(DISTINCT m.user_id) FROM {_table(Case)} k JOIN {_table(Membership)} m "  # noqa: S608
                  f"ON m.org_id = k.current_org_id AND m.is_active AND m.role IN (%s, %s) WHERE k.id = x.case_id)")
    sql = (f"INSERT INTO {log} (clock_id, {key}, fired_at, recipients, batch) "  # noqa: S608 - our tables
           f"SELECT x.id, x.wkey, %s, {recipients}, %s FROM ("
           f"SELECT c.id, c.case_id, c.due_at, {key_sql} AS wkey FROM {clock} c "
           f"WHERE c.state = %s AND c.due_at <= %s AND c.kind IN ({', '.join(['%s'] * len(kinds))})) x "
           f"WHERE x.wkey IS NOT NULL "
           f"AND NOT EXISTS (SELECT 1 FROM {log} l WHERE l.clock_id = x.id AND l.{key} = x.wkey) "
           f"ORDER BY CASE WHEN x.due_at <= %s THEN 1 ELSE 0 END, x.due_at LIMIT %s "
           f"ON CONFLICT DO NOTHING")
    params = [_dt(now), *NOTIFIED_ROLES, token, *key_params, ClockState.RUNNING,
              _dt(now + timedelta(days=horizon + 2)), *kinds, _dt(now), MAX_PER_SWEEP]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return max(cur.rowcount, 0)


def _label(kind: str) -> str:
    return f"{ClockKind(kind).label}期限"


def notify_all(now: datetime, today: date, token: str) -> int:
    """In-app notifications for every row this sweep claimed: the handlers and
    leaders of the org holding each case now. Texts as in `reminder_point`;
    driven by the batch's own log rows (found by the batch index)."""
    label = "CASE c.kind " + " ".join(f"WHEN '{k}' THEN '{_label(k)}'" for k in ClockKind.values) + " END"
    due = "CAST(c.due_date AS TEXT)"
    key = f"l.{connection.ops.quote_name('key')}"
    text = (f"CASE WHEN {key} LIKE 'overdue%%' THEN '：已超过' || {label} || '（' || {due} || ' 届满），已超期' "
            f"|| CAST({_late_days()} AS TEXT) || '天，请立即办理' "
            f"WHEN {key} = 'due' THEN '：' || {label} || '今日（' || {due} || '）届满，请抓紧办理' "
            f"ELSE '：' || {label} || '将于 ' || {due} || ' 届满，还有' || CAST({_days_left()} AS TEXT) || '天' END")
    sql = (f"INSERT INTO {_table(Notification)} (user_id, case_id, kind, text, is_urgent, created_at) "  # noqa: S608
           f"SELECT DISTINCT m.user_id, c.case_id, 'deadline', '信访事项 ' || k.number || {text}, "
           f"{key} LIKE 'overdue%%', %s "
           f"FROM {_table(ReminderLog)} l JOIN {_table(Clock)} c ON c.id = l.clock_id "
           f"JOIN {_table(Case)} k ON k.id = c.case_id "
           f"JOIN {_table(Membership)} m ON m.org_id = k.current_org_id AND m.is_active AND m.role IN (%s, %s) "
           f"WHERE l.batch = %s")
    with connection.cursor() as cur:
        cur.execute(sql, [_d(today), _d(today), _dt(now), *NOTIFIED_ROLES, token])
        return max(cur.rowcount, 0)


def _late_days() -> str:
    """SQL for (%s − c.due_date) in whole days: how late an overdue clock is."""
    if connection.vendor == "postgresql":
        return "(%s::date - c.due_date)"
    return "CAST(julianday(%s) - julianday(c.due_date) AS INTEGER)"


def _days_left() -> str:
    """SQL for (c.due_date − %s) in whole days."""
    if connection.vendor == "postgresql":
        return "(c.due_date - %s::date)"
    return "CAST(julianday(c.due_date) - julianday(%s) AS INTEGER)"


def _no_jit() -> None:
    """PostgreSQL's JIT compiles the big CASE for a second before a query that
    runs in a fraction of that: off for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder due at `now`, escalate what is overdue long enough and
    chase overdue report-backs of 督办单. Idempotent and safe to run concurrently."""
    from .escalation import escalate
    from .orders import remind_overdue_reports

    now = now or timezone.now()
    today = timezone.localdate(now)
    token = uuid.uuid4().hex
    notified = 0
    rules = list(ReminderRule.objects.filter(is_active=True))
    all_windows = [w for rule in rules for w in windows(rule, today)]
    with transaction.atomic():
        _no_jit()
        fired = claim_all(all_windows, now, today, token)
        if fired:
            notified = notify_all(now, today, token)
            for rule in rules:
                if rule.send_sms or rule.send_email:
                    for window in windows(rule, today):
                        queue_remote_reminders(window, rule, now, today, token)
    escalated = escalate(now)
    reports = remind_overdue_reports(now)
    return {"fired": fired, "notified": notified, "escalated": escalated, "report_reminders": reports}

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


def _days_from(column: str) -> str:
    """SQL for (column − %s) in whole days, the parameter being a date."""
    if connection.vendor == "postgresql":
        return f"({column} - %s::date)"
    return f"CAST(julianday({column}) - julianday(%s) AS INTEGER)"


def claim(window: Window, now: datetime, today: date, token: str) -> int:
    """Insert the ReminderLog rows of one window; how many this sweep claimed."""
    where = ["c.state = %s", "c.kind = %s"]
    params: list = [ClockState.RUNNING, window.kind]
    if window.overdue:
        where.append("c.due_at <= %s")
        params.append(_dt(now))
    else:
        # due_at bounds first, so the (state, due_at) index does the range scan.
        assert window.first_day is not None and window.last_day is not None
        where += ["c.due_at > %s", "c.due_at < %s", "c.due_date >= %s", "c.due_date <= %s"]
        params += [_dt(now), _dt(now + timedelta(days=(window.last_day - today).days + 2)),
                   _d(window.first_day), _d(window.last_day)]
    log = _table(ReminderLog)
    sql = (f"INSERT INTO {log} (clock_id, {connection.ops.quote_name('key')}, fired_at, recipients, batch) "  # noqa: S608 - our tables
           f"SELECT c.id, %s, %s, 0, %s FROM {_table(Clock)} c WHERE {' AND '.join(where)} "
           f"AND NOT EXISTS (SELECT 1 FROM {log} l WHERE l.clock_id = c.id AND l.{connection.ops.quote_name('key')} = %s) "
           f"ON CONFLICT DO NOTHING")
    with connection.cursor() as cur:
        cur.execute(sql, [window.key, _dt(now), token, *params, window.key])
        return max(cur.rowcount, 0)


def _label(kind: str) -> str:
    return f"{ClockKind(kind).label}期限"


def notify(window: Window, now: datetime, today: date, token: str) -> int:
    """In-app notifications for the rows of `window` this sweep claimed: the
    handlers and leaders of the org holding each case now."""
    label = _label(window.kind)
    due = "CAST(c.due_date AS TEXT)"
    if window.overdue:
        text = (f"'：已超过{label}（' || {due} || ' 届满），已超期' || CAST({_late_days()} AS TEXT) "
                f"|| '天，请立即办理'")
        text_params = [_d(today)]
    elif window.key == "due":
        text, text_params = f"'：{label}今日（' || {due} || '）届满，请抓紧办理'", []
    else:
        text = f"'：{label}将于 ' || {due} || ' 届满，还有' || CAST({_days_from('c.due_date')} AS TEXT) || '天'"
        text_params = [_d(today)]
    sql = (f"INSERT INTO {_table(Notification)} (user_id, case_id, kind, text, is_urgent, created_at) "  # noqa: S608
           f"SELECT DISTINCT m.user_id, c.case_id, 'deadline', '信访事项 ' || k.number || {text}, %s, %s "
           f"FROM {_table(ReminderLog)} l JOIN {_table(Clock)} c ON c.id = l.clock_id "
           f"JOIN {_table(Case)} k ON k.id = c.case_id "
           f"JOIN {_table(Membership)} m ON m.org_id = k.current_org_id AND m.is_active AND m.role IN (%s, %s) "
           f"WHERE l.batch = %s AND l.{connection.ops.quote_name('key')} = %s AND c.kind = %s")
    with connection.cursor() as cur:
        cur.execute(sql, [*text_params, window.overdue, _dt(now), *NOTIFIED_ROLES, token, window.key, window.kind])
        return max(cur.rowcount, 0)


def _late_days() -> str:
    """SQL for (%s − c.due_date) in whole days: how late an overdue clock is."""
    if connection.vendor == "postgresql":
        return "(%s::date - c.due_date)"
    return "CAST(julianday(%s) - julianday(c.due_date) AS INTEGER)"


def count_recipients(token: str) -> None:
    """ReminderLog.recipients for this sweep's rows (for the admin's log)."""
    log, clock, case, member = _table(ReminderLog), _table(Clock), _table(Case), _table(Membership)
    sql = (f"UPDATE {log} SET recipients = (SELECT COUNT(DISTINCT m.user_id) FROM {clock} c "  # noqa: S608
           f"JOIN {case} k ON k.id = c.case_id JOIN {member} m ON m.org_id = k.current_org_id "
           f"AND m.is_active AND m.role IN (%s, %s) WHERE c.id = {log}.clock_id) WHERE batch = %s")
    with connection.cursor() as cur:
        cur.execute(sql, [*NOTIFIED_ROLES, token])


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder due at `now`, escalate what is overdue long enough and
    chase overdue report-backs of 督办单. Idempotent and safe to run concurrently."""
    from .escalation import escalate
    from .orders import remind_overdue_reports

    now = now or timezone.now()
    today = timezone.localdate(now)
    token = uuid.uuid4().hex
    fired = notified = 0
    rules = list(ReminderRule.objects.filter(is_active=True))
    with transaction.atomic():
        for rule in rules:
            for window in windows(rule, today):
                claimed = claim(window, now, today, token)
                if claimed:
                    fired += claimed
                    notified += notify(window, now, today, token)
                    if rule.send_sms or rule.send_email:
                        queue_remote_reminders(window, rule, now, today, token)
        if fired:
            count_recipients(token)
    escalated = escalate(now)
    reports = remind_overdue_reports(now)
    return {"fired": fired, "notified": notified, "escalated": escalated, "report_reminders": reports}

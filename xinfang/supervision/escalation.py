"""Overdue escalation (issue 6 §3): a clock overdue N days or more tells the
supervising bureau's supervisors and drafts a 督办单 for them to issue.

Exactly once per (clock, rule), however many sweeps run: the claim is one
EscalationLog row per (clock, rule), inserted set-based with ON CONFLICT DO
NOTHING; the drafts and notifications are written in the same transaction for
the rows this sweep's batch token claimed. A backlog (the first sweep after a
rule is added to a full database) is worked off MAX_PER_SWEEP at a time, oldest
deadline first, so one sweep stays short and nothing is lost."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from xinfang.notifications.models import Notification
from xinfang.orgs.models import Org
from xinfang.rules.kinds import ClockKind, ClockState
from xinfang.rules.models import Clock

from .models import EscalationLog, EscalationRule, SupervisionOrder
from .reminders import _no_jit
from .scope import BureauIndex, supervisors_of

MAX_PER_SWEEP = 500


def _claim(rule: EscalationRule, now: datetime, token: str, limit: int) -> int:
    today = timezone.localdate(now)
    log, clock = (connection.ops.quote_name(m._meta.db_table) for m in (EscalationLog, Clock))
    sql = (f"INSERT INTO {log} (clock_id, rule_id, fired_at, batch) "  # noqa: S608 - our tables
           f"SELECT c.id, %s, %s, %s FROM {clock} c WHERE c.state = %s AND c.kind = %s AND c.due_at <= %s "
           f"AND c.due_date <= %s AND NOT EXISTS (SELECT 1 FROM {log} e WHERE e.clock_id = c.id AND e.rule_id = %s) "
           f"ORDER BY c.due_at LIMIT %s ON CONFLICT DO NOTHING")
    cutoff = today - timedelta(days=rule.overdue_days)
    with connection.cursor() as cur:
        cur.execute(sql, [rule.pk, connection.ops.adapt_datetimefield_value(now), token, ClockState.RUNNING,
                          rule.clock_kind, connection.ops.adapt_datetimefield_value(now),
                          connection.ops.adapt_datefield_value(cutoff), rule.pk, limit])
        return max(cur.rowcount, 0)


def escalate(now: datetime | None = None) -> int:
    """Claim and act on every escalation due at `now`; how many were claimed."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    total = 0
    with transaction.atomic():
        _no_jit()
        for rule in EscalationRule.objects.filter(is_active=True):
            claimed = _claim(rule, now, token, MAX_PER_SWEEP - total)
            total += claimed
            if claimed:
                _act(rule, now, token)
            if total >= MAX_PER_SWEEP:
                break
    return total


def _act(rule: EscalationRule, now: datetime, token: str) -> None:
    rows = list(EscalationLog.objects.filter(batch=token, rule=rule).values_list(
        "pk", "clock__case_id", "clock__case__number", "clock__case__current_org_id", "clock__due_date"))
    orgs = Org.objects.in_bulk({r[3] for r in rows})
    index = BureauIndex()
    above = {oid: index.bureau_id_above(oid) for oid in orgs}
    bureaus = Org.objects.in_bulk({b for b in above.values() if b})
    bureau: dict[int, Org | None] = {oid: bureaus.get(b) if b else None for oid, b in above.items()}
    supervisors: dict[int, list[int]] = {b.pk: supervisors_of(b) for b in {b for b in bureau.values() if b}}
    label = ClockKind(rule.clock_kind).label
    today = timezone.localdate(now)
    orders, notes = [], []
    drafted_for: dict[int, list[str]] = defaultdict(list)
    for log_id, case_id, number, org_id, due in rows:
        b = bureau.get(org_id)
        if b is None:
            continue  # no bureau above (a provincial organ): the overdue queue still shows it
        late = (today - due).days
        org = orgs[org_id]
        if rule.draft_order:
            orders.append(SupervisionOrder(
                org=org, issued_by_org=b, case_id=case_id, source="escalation", escalation_id=log_id,
                title=f"信访事项{number}{label}超期督办"[:100],
                requirements=(f"信访事项{number}的{label}期限已于{due:%Y年%-m月%-d日}届满，至今超期{late}日仍未办结。"
                              f"请{org.name}立即组织办理，并于期限内书面反馈办理情况、超期原因及整改措施。"),
                deadline=today + timedelta(days=rule.order_days), created_at=now))
            drafted_for[b.pk].append(number)
        if rule.notify_supervisors:
            text = (f"信访事项 {number}（{org.name}）{label}期限已超期{late}天"
                    + ("，已自动起草督办单，请审核下发" if rule.draft_order else "，请督办"))
            notes += [Notification(user_id=u, case_id=case_id, kind="escalation", text=text[:300], is_urgent=True,
                                   created_at=now) for u in supervisors.get(b.pk, [])]
    SupervisionOrder.objects.bulk_create(orders, batch_size=500)
    Notification.objects.bulk_create(notes, batch_size=1000)

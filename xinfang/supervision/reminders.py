"""Deadline reminders (issue 6 §1–2): tell the handling org that a clock is about
to run out, runs out today, or has run out.

Modelled on healthchecks' sendalerts: no locks are held while notifying. Each
reminder point of each clock has one ReminderLog row; inserting it is the claim,
so with any number of workers sweeping at once every reminder goes out exactly
once. The log row and the notifications commit together, so a failed sweep
leaves nothing claimed and the next sweep tries again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.cases.models import Case
from xinfang.notifications.models import Notification
from xinfang.orgs.models import Membership, Role
from xinfang.rules.kinds import ClockState
from xinfang.rules.models import Clock

from .models import ReminderLog, ReminderRule

NOTIFIED_ROLES = (Role.HANDLER, Role.LEADER)
CHUNK = 500


@dataclass(frozen=True)
class Point:
    key: str
    text: str
    is_urgent: bool


def reminder_point(clock: Clock, rule: ReminderRule, now: datetime) -> Point | None:
    """The reminder this clock is due for at `now`, or None. Only the most urgent
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


def recipients(clock: Clock) -> list[int]:
    """Handlers and leaders of the org handling the case now (read afresh: the
    case may have been forwarded since the sweep loaded it)."""
    current_org = Case.objects.filter(pk=clock.case_id).values("current_org_id")
    return list(
        Membership.objects.filter(org_id__in=current_org, role__in=NOTIFIED_ROLES, is_active=True)
        .values_list("user_id", flat=True).distinct()
    )


def fire(clock: Clock, point: Point, now: datetime) -> bool:
    """Claim and send one reminder. False if another worker already has it, or
    the clock stopped running in the meantime."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                log = ReminderLog.objects.create(clock=clock, key=point.key, fired_at=now)
        except IntegrityError:
            return False  # claimed by another sweep (committed, or waited on by the unique index)
        if not Clock.objects.filter(pk=clock.pk, state=ClockState.RUNNING, due_at=clock.due_at).exists():
            transaction.set_rollback(True)  # stopped or recomputed since we read it: no claim, no notice
            return False
        users = recipients(clock)
        text = f"信访事项 {clock.case.number}：{point.text}"[:300]
        Notification.objects.bulk_create(
            Notification(user_id=uid, case_id=clock.case_id, kind="deadline", text=text,
                         is_urgent=point.is_urgent, created_at=now) for uid in users)
        log.recipients = len(users)
        log.save(update_fields=["recipients"])
    return True


def candidates(now: datetime, rules: dict[str, ReminderRule]):
    """Running clocks close enough to their due time to owe some reminder."""
    horizon = max((max(r.offsets, default=0) for r in rules.values()), default=0)
    # One extra day: "3 days before" counts local calendar days, not 72 hours.
    cutoff = now + timedelta(days=horizon + 1)
    return (Clock.objects.filter(state=ClockState.RUNNING, kind__in=list(rules), due_at__lte=cutoff)
            .select_related("case").order_by("pk"))


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder due at `now`. Idempotent and safe to run concurrently."""
    now = now or timezone.now()
    rules = {r.clock_kind: r for r in ReminderRule.objects.filter(is_active=True)}
    fired = skipped = 0
    if not rules:
        return {"fired": 0, "skipped": 0}
    pending: list[tuple[Clock, Point]] = []

    def flush() -> None:
        nonlocal fired, skipped
        # Cheap pre-filter; the unique constraint in fire() is what actually guarantees once-only.
        sent = set(ReminderLog.objects.filter(clock_id__in=[c.pk for c, _ in pending],
                                              key__in={p.key for _, p in pending}).values_list("clock_id", "key"))
        for clock, point in pending:
            if (clock.pk, point.key) in sent or not fire(clock, point, now):
                skipped += 1
            else:
                fired += 1
        pending.clear()

    for clock in candidates(now, rules).iterator(chunk_size=CHUNK):
        point = reminder_point(clock, rules[clock.kind], now)
        if point:
            pending.append((clock, point))
        if len(pending) >= CHUNK:
            flush()
    if pending:
        flush()
    return {"fired": fired, "skipped": skipped}


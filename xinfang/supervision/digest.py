"""The daily digest per org (issue 6 §2): how many of its cases are overdue, due
within three days, newly received, and how many 督办单 await its report — in-app
and by e-mail to its handlers and leaders, once per org and day.

The counts are three grouped queries over the whole database (not a query per
org); the claim is the unique DigestLog (org, date) row, so a second worker,
or the same job run again that day, sends nothing."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from xinfang.cases.models import Case
from xinfang.notifications.models import Notification
from xinfang.orgs.models import Membership, Role
from xinfang.rules.calendar import LOCAL_TZ
from xinfang.rules.kinds import ClockState
from xinfang.rules.models import Clock

from .models import DigestLog, OrderStatus, SupervisionOrder
from .remote import queue_staff_message

DIGEST_ROLES = (Role.HANDLER, Role.LEADER)
# The digest goes out with the first run at or after this local hour.
DIGEST_HOUR: int = getattr(settings, "SUPERVISION_DIGEST_HOUR", 8)
SOON_DAYS = 3


def digest_counts(now: datetime) -> dict[int, Counter]:
    """{org_id: Counter(overdue, due_soon, new, orders)} for the orgs holding anything."""
    today = timezone.localdate(now)
    yesterday = datetime.combine(today - timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
    midnight = datetime.combine(today, time.min, tzinfo=LOCAL_TZ)
    running = Clock.objects.filter(state=ClockState.RUNNING)
    out: dict[int, Counter] = {}

    def add(rows, key: str) -> None:
        for org_id, n in rows:
            out.setdefault(org_id, Counter())[key] += n

    # Cases (not clocks): a case with two overdue clocks is one overdue case.
    add(running.filter(due_at__lte=now).values("case__current_org_id").annotate(n=Count("case_id", distinct=True))
        .values_list("case__current_org_id", "n"), "overdue")
    add(running.filter(due_at__gt=now, due_at__lte=now + timedelta(days=SOON_DAYS))
        .values("case__current_org_id").annotate(n=Count("case_id", distinct=True))
        .values_list("case__current_org_id", "n"), "due_soon")
    add(Case.objects.filter(registered_at__gte=yesterday, registered_at__lt=midnight).values("current_org_id")
        .annotate(n=Count("id")).values_list("current_org_id", "n"), "new")
    add(SupervisionOrder.objects.filter(status=OrderStatus.ISSUED).values("org_id").annotate(n=Count("id"))
        .values_list("org_id", "n"), "orders")
    return out


def send_daily_digests(now: datetime | None = None, *, force: bool = False) -> dict[str, int]:
    """Send today's digests not yet sent. Before DIGEST_HOUR it does nothing
    (unless forced), so an hourly job sends them once, in the morning."""
    now = now or timezone.now()
    local = timezone.localtime(now, LOCAL_TZ)
    if not force and local.hour < DIGEST_HOUR:
        return {"sent": 0, "skipped": 0}
    today = local.date()
    counts = digest_counts(now)
    done = set(DigestLog.objects.filter(date=today, org_id__in=list(counts)).values_list("org_id", flat=True))
    members: dict[int, list[int]] = {}
    for org_id, user_id in (Membership.objects.filter(org_id__in=[o for o in counts if o not in done],
                                                      role__in=DIGEST_ROLES, is_active=True, user__is_active=True)
                            .values_list("org_id", "user_id").distinct()):
        members.setdefault(org_id, [])
        if user_id not in members[org_id]:
            members[org_id].append(user_id)
    sent = skipped = 0
    for org_id, c in sorted(counts.items()):
        users = members.get(org_id)
        if org_id in done or not users or not any(c.values()):
            skipped += 1
            continue
        if _send_one(org_id, c, users, now, today):
            sent += 1
        else:
            skipped += 1
    return {"sent": sent, "skipped": skipped}


def _send_one(org_id: int, c: Counter, users: list[int], now: datetime, today) -> bool:
    from xinfang.orgs.models import Org

    with transaction.atomic():
        try:
            with transaction.atomic():
                DigestLog.objects.create(org_id=org_id, date=today, sent_at=now, counts=dict(c), recipients=len(users))
        except IntegrityError:
            return False  # another worker sent it
        text = (f"每日提醒：本单位已超期{c['overdue']}件，三日内届满{c['due_soon']}件，昨日新收{c['new']}件，"
                f"待反馈督办单{c['orders']}件")
        Notification.objects.bulk_create(Notification(user_id=u, kind="digest", text=text, created_at=now)
                                         for u in users)
        org = Org.objects.get(pk=org_id)
        queue_staff_message(users, template_sms=None, template_email="staff_daily_digest",
                            payload={"date": f"{today:%Y年%-m月%-d日}", "org": org.name, "overdue": c["overdue"],
                                     "due_soon": c["due_soon"], "new": c["new"], "orders": c["orders"]},
                            dedupe=f"digest:{org_id}:{today.isoformat()}", now=now)
    return True

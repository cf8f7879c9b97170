"""Evaluation invitations (评价邀请): a while after the reply, invite the
petitioner to rate it, as long as the case still waits for a rating.

"Waits for a rating" is exactly "its evaluate clock is running": the clock
starts with the reply and stops when the case is rated, reviewed or closed.
The job is idempotent: the dedupe key names the clock, so running it twice
(or from two schedulers) queues one invitation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from xinfang.rules.kinds import ClockKind, ClockState
from xinfang.rules.models import Clock

from .conf import conf
from .models import OutboxMessage
from .outbox import lead_phone, queue_message

PREFIX = "evaluate:"


def queue_evaluation_invitations(now: datetime | None = None, limit: int = 500) -> int:
    """Queue the invitations that are due; how many were queued."""
    now = now or timezone.now()
    delay = timedelta(hours=conf()["EVALUATION_INVITE_DELAY_HOURS"])
    key = Concat(Value(PREFIX), Cast(OuterRef("pk"), output_field=CharField()), output_field=CharField())
    clocks = (Clock.objects.filter(kind=ClockKind.EVALUATE, state=ClockState.RUNNING, started_at__lte=now - delay,
                                   due_at__gt=now, case__is_anonymous=False)
              .exclude(Exists(OutboxMessage.objects.filter(dedupe_key=key)))
              .select_related("case").order_by("started_at")[:limit])
    queued = 0
    for clock in clocks:
        case = clock.case
        due = clock.due_date
        with transaction.atomic():
            queue_message(
                template="evaluation_invitation", recipient=lead_phone(case), dedupe_key=f"{PREFIX}{clock.pk}",
                case=case, at=now,
                payload={"number": case.number, "query_code": case.query_code, "note": "",
                         "due": f"{due.year}年{due.month}月{due.day}日"},
            )
        queued += 1  # (a concurrent run may have queued it first: the dedupe key keeps it single)
    return queued

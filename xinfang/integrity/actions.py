"""Deciding repeat links. One conditional update each, so two clicks (or two
officers) decide a link once."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from xinfang.cases.models import Submission

from .flags import raise_flags
from .idle_spin import repeats_after_reply
from .models import CaseLink, LinkState


def decide_link(link: CaseLink, *, user, confirm: bool, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        done = CaseLink.objects.filter(pk=link.pk, state=LinkState.OFFERED).update(
            state=LinkState.CONFIRMED if confirm else LinkState.REJECTED, decided_by=user, decided_at=now)
        if done and confirm:
            # (d) a confirmed repeat within 90 days of the earlier case's reply.
            raise_flags(repeats_after_reply(Submission.objects.none(), CaseLink.objects.filter(pk=link.pk)),
                        now=now)
    return bool(done)

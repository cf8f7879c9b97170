"""Deciding repeat links. One conditional update each, so two clicks (or two
officers) decide a link once."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .flags import raise_flags
from .idle_spin import repeat_after_reply
from .models import CaseLink, LinkState


def decide_link(link: CaseLink, *, user, confirm: bool, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        done = CaseLink.objects.filter(pk=link.pk, state=LinkState.OFFERED).update(
            state=LinkState.CONFIRMED if confirm else LinkState.REJECTED, decided_by=user, decided_at=now)
        if done and confirm:
            # (d) a confirmed repeat within 90 days of the earlier case's reply.
            at = link.case.registered_at
            found = repeat_after_reply(at, at, now)
            raise_flags([f for f in found if f.key == f"case:{link.case_id}"], now=now)
    return bool(done)

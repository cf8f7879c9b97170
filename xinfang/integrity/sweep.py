"""The periodic integrity run: every rule over the recent period, idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from .case_rules import CASE_RULES
from .conf import setting
from .flags import raise_flags
from .idle_spin import IDLE_SPIN


def sweep(now: datetime | None = None, *, since: datetime | None = None) -> dict[str, int]:
    """Raise the flags of the last ``SWEEP_LOOKBACK_DAYS``; returns new flags per rule.
    Running it twice, or in two workers at once, raises nothing twice."""
    now = now or timezone.now()
    since = since or now - timedelta(days=setting("SWEEP_LOOKBACK_DAYS"))
    raised: dict[str, int] = {}
    for rule, find in {**IDLE_SPIN, **CASE_RULES}.items():
        raised[str(rule)] = raise_flags(find(since, now, now), now=now)
    return raised

"""Raising flags: one conditional insert per finding, safe under concurrency.

``bulk_create(ignore_conflicts=True)`` becomes ``INSERT … ON CONFLICT DO
NOTHING`` on PostgreSQL and ``INSERT OR IGNORE`` on SQLite: a finding another
worker has just raised (or that is already open for the case) is skipped by
the database itself, never by a check-then-insert race."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from .models import Flag


def raise_flags(flags: Iterable[Flag], *, now: datetime | None = None) -> int:
    """Insert the findings that are new; returns how many were inserted."""
    rows = list(flags)
    if not rows:
        return 0
    now = now or timezone.now()
    for f in rows:
        f.raised_at = f.raised_at or now
    # The count is for reports only (another worker may insert meanwhile).
    scope = Flag.objects.filter(rule__in={f.rule for f in rows})
    before = scope.count()
    Flag.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return scope.count() - before


def case_flag(rule: str, case_id: int, org_id: int | None, key: str, explanation: str,
              details: dict | None = None) -> Flag:
    return Flag(rule=rule, case_id=case_id, org_id=org_id, key=str(key)[:60], explanation=explanation,
                details=details or {})


def resolve_flag(flag: Flag, *, user, note: str, now: datetime | None = None) -> bool:
    """Close an open flag with the supervisor's note. Conditional, so a second
    click (or a second supervisor) changes nothing."""
    done = Flag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
        resolved_at=now or timezone.now(), resolved_by=user, resolution_note=note)
    return bool(done)

"""Integrity costs on the bench database: what repeat detection adds to one
submission, and one periodic sweep of the idle-spin rules.

Everything runs inside a transaction that is rolled back, so the bench data
is left as it was (no links or flags written)."""

import random
import statistics
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from .stats import pct, summary

SAMPLE_CASES = 40


class _Rollback(Exception):
    pass


def _recent_case_ids(n: int) -> list[int]:
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM cases_case")
        top = cur.fetchone()[0] or 0
    rng = random.Random(7)
    from xinfang.cases.models import Case

    ids = [rng.randint(max(top - 100000, 1), top) for _ in range(n * 2)]
    return list(Case.objects.filter(pk__in=ids).values_list("pk", flat=True))[:n]


def _timed_in_rollback(fn) -> float:
    t = time.perf_counter()
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        pass
    return (time.perf_counter() - t) * 1000


def run() -> None:
    from xinfang.cases.models import Case
    from xinfang.integrity.detection import find_candidates
    from xinfang.integrity.receivers import on_submission
    from xinfang.integrity.sweep import sweep
    from xinfang.integrity.vocabulary import forget_sample, recent_sample

    print("\n== integrity: repeat detection per submission, idle-spin sweep ==")
    forget_sample()
    t = time.perf_counter()
    sample = recent_sample()
    print(f"recent-cases sample for idf (loaded once an hour per process): {(time.perf_counter() - t) * 1000:.0f} ms, "
          f"{sample.idf.n} cases")
    cases = list(Case.objects.filter(pk__in=_recent_case_ids(SAMPLE_CASES)))
    found, times = [], []
    for case in cases:
        t = time.perf_counter()
        found.append(len(find_candidates(case, sample=sample)))
        times.append((time.perf_counter() - t) * 1000)
    print(summary("find repeat candidates (FTS preselect + score)", times))
    print(f"candidates offered per case: mean {statistics.mean(found):.1f}, max {max(found)}")
    full = []
    for case in cases:
        sub = case.submissions.order_by("id").first()
        full.append(_timed_in_rollback(
            lambda c=case, s=sub: on_submission(None, case=c, submission=s, is_new_case=True)))
    print(summary("whole submission_received receiver (links + flags)", full))
    print(f"  → added per submission: p50 {statistics.median(full):.0f} ms, p95 {pct(full, 0.95):.0f} ms")
    now = timezone.now()
    for days in (1, 7):
        raised: dict = {}

        def one_sweep(d: int = days, out: dict = raised) -> None:
            out.update(sweep(now, since=now - timedelta(days=d)))

        ms = _timed_in_rollback(one_sweep)
        print(f"idle-spin sweep over the last {days} day(s): {ms / 1000:.1f} s, new flags {raised}")

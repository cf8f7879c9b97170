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
    from xinfang.integrity.case_rules import CASE_RULES
    from xinfang.integrity.detection import find_candidates
    from xinfang.integrity.idle_spin import IDLE_SPIN
    from xinfang.integrity.receivers import on_submission
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
    print(summary("submission_received receiver, in the submission transaction", full))
    print(f"  → added per submission: p50 {statistics.median(full):.0f} ms, p95 {pct(full, 0.95):.0f} ms")
    from xinfang.integrity.tasks import match_new_case

    worker = [_timed_in_rollback(lambda c=case: match_new_case.call(c.pk)) for case in cases]
    print(summary("repeat matching task in the worker (after commit)", worker))
    now = timezone.now()
    since = now - timedelta(days=1)
    total = 0.0
    for rule, find in {**IDLE_SPIN, **CASE_RULES}.items():
        found: list = []

        def one_rule(f=find, out: list = found) -> None:
            out.extend(f(since, now, now))

        ms = _timed_in_rollback(one_rule)
        total += ms
        print(f"  rule {rule:<24} over the last day: {ms / 1000:6.1f} s, {len(found)} findings")
    print(f"idle-spin sweep over the last day (all rules): {total / 1000:.1f} s")

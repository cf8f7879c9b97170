"""What integrity does when a submission arrives (inside the registering
transaction, in a savepoint — see cases.signals).

The cheap checks (level skipping, group size, a repeat submission back within
90 days of a reply) run here. Looking for similar earlier texts costs a
full-text query and TF-IDF scoring (~100 ms at a million cases), so it runs in
the worker once the submission has committed: the citizen's submission never
waits for it, and the candidates appear on the case page seconds later."""

from __future__ import annotations

from django.utils import timezone

from xinfang.cases.models import Case, Submission
from xinfang.jobs.enqueue import enqueue_with_transaction

from .case_rules import group_size, level_skipping, repeat_visit_skips_level
from .conf import setting
from .flags import raise_flags
from .idle_spin import repeats_after_reply
from .models import CaseLink


def on_submission(sender, *, case: Case, submission: Submission, is_new_case: bool, **kwargs) -> None:
    now = timezone.now()
    flags = []
    if is_new_case:
        from .tasks import match_new_case

        enqueue_with_transaction(match_new_case, case.pk)
        # A new case is as registration left it, in memory: ask the database
        # only if it can be flagged (most online petitions: neither query).
        if case.is_level_skipping:
            flags += level_skipping(now, now, now, case_ids=[case.pk])
        maybe_group = max(case.headcount or 0, submission.headcount or 0) >= setting("GROUP_HEADCOUNT")
    else:
        skip = repeat_visit_skips_level(case, submission)
        if skip is not None:
            flags.append(skip)
        # (d) the same matter back within 90 days of a reply, on this repeat submission.
        flags += repeats_after_reply(Submission.objects.filter(pk=submission.pk), CaseLink.objects.none())
        maybe_group = True  # earlier visits count too
    if maybe_group:
        flags += group_size(now, now, now, case_ids=[case.pk])
    raise_flags(flags, now=now)

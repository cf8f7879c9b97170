"""What integrity does when a submission arrives (inside the registering
transaction, in its own savepoint — see cases.signals)."""

from __future__ import annotations

from django.utils import timezone

from xinfang.cases.models import Case, Submission

from .case_rules import group_size, level_skipping, repeat_visit_skips_level
from .detection import offer_links
from .flags import raise_flags
from .idle_spin import repeats_after_reply
from .models import CaseLink


def on_submission(sender, *, case: Case, submission: Submission, is_new_case: bool, **kwargs) -> None:
    now = timezone.now()
    flags = []
    if is_new_case:
        offer_links(case, now=now)
        flags += level_skipping(now, now, now, case_ids=[case.pk])
    else:
        skip = repeat_visit_skips_level(case, submission)
        if skip is not None:
            flags.append(skip)
    flags += group_size(now, now, now, case_ids=[case.pk])
    # (d) the same matter back within 90 days of a reply: the rule over just this
    # submission (if a repeat) and the links just offered.
    flags += repeats_after_reply(Submission.objects.filter(pk=submission.pk),
                                 CaseLink.objects.filter(case=case) if is_new_case else CaseLink.objects.none())
    raise_flags(flags, now=now)

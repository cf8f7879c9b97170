"""Archiving what the petitioner let lapse: replied cases whose 30-day review
window passed (归档), reviewed cases whose re-examination window passed (终结).
Idempotent: a case already moved is skipped by the engine's status check."""

from django.utils import timezone

from xinfang.rules.models import Clock

from . import workflow_engine as engine


def close_lapsed(now=None) -> dict[str, int]:
    now = now or timezone.now()
    done = {"close": 0, "terminate": 0}
    for kind, action in (("review_request", "close"), ("reexamine_request", "terminate")):
        case_ids = Clock.objects.filter(kind=kind, state="running", due_at__lt=now).values_list("case_id", flat=True)
        for case_id in list(case_ids):
            try:
                engine.apply(case_id, action, user=None, at=now)
                done[action] += 1
            except engine.TransitionError:
                continue  # moved on since (e.g. a review was requested): nothing to do
    return done

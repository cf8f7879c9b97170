"""Worker side of repeat detection for a new case (see receivers)."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from xinfang.cases.models import Case, Submission

from .detection import offer_links
from .flags import raise_flags
from .idle_spin import repeats_after_reply
from .models import CaseLink


@task()
def match_new_case(case_id: int) -> dict[str, int]:
    """Offer earlier cases like this one for linking, and flag (d) a repeat of a
    matter replied to within 90 days. Idempotent: offers and flags are
    insert-or-ignore, so a retried or duplicated task changes nothing."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return {"offered": 0, "flags": 0}
    now = timezone.now()
    with transaction.atomic():
        links = offer_links(case, now=now)
        flags = repeats_after_reply(Submission.objects.none(), CaseLink.objects.filter(case=case))
        raise_flags(flags, now=now)
    return {"offered": len(links), "flags": len(flags)}

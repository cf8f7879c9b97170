"""What the petitioner does online after the reply: rate it, ask for 复查 and
then 复核. Each goes through the workflow engine as PETITIONER, in one
transaction with its side effects."""

from django.db import transaction
from django.utils import timezone

from xinfang.cases import workflow_engine as engine
from xinfang.cases.models import Case, CaseEvent
from xinfang.cases.models_procedure import Rating
from xinfang.cases.special import bureaus_covering
from xinfang.notifications.models import Notification
from xinfang.orgs.models import Membership, Role

from .track import REVIEW_STEP, evaluation_refusal


def notify_supervisors(case: Case, text: str, *, at=None) -> int:
    """An in-app notice, kind "dissatisfied", to every supervisor of the
    petition bureaus covering the case (county, city, province)."""
    at = at or timezone.now()
    org_ids = [b.pk for b in bureaus_covering(case.issue_region_id)]
    users = (Membership.objects.filter(org_id__in=org_ids, role=Role.SUPERVISOR, is_active=True)
             .values_list("user_id", flat=True).distinct())
    Notification.objects.bulk_create(
        Notification(user_id=uid, case=case, kind="dissatisfied", text=text[:300], created_at=at) for uid in users)
    return len(users)


def evaluate_case(case: Case, *, bureau_rating: str, rating: str, text: str = "", at=None) -> CaseEvent:
    """The petitioner rates the bureau and the handling org separately. 不满意
    on either puts the case before the supervisors."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)  # one evaluation, even on a double click
        problem = evaluation_refusal(locked, at)
        if problem:
            raise engine.TransitionError(problem)
        event = engine.apply(case.pk, "evaluate", user=engine.PETITIONER, at=at,
                             data={"rating": rating, "bureau_rating": bureau_rating, "text": text})
        unhappy = [who for who, r in (("信访部门", bureau_rating), ("办理单位", rating)) if r == Rating.DISSATISFIED]
        if unhappy:
            notify_supervisors(locked, f"信访人对信访事项 {locked.number} 的{'、'.join(unhappy)}评价为不满意，请及时督查",
                               at=at)
    return event


def request_review(case: Case, *, reason: str, at=None) -> CaseEvent:
    """复查 after the reply, 复核 after the review opinion — whichever the case is
    waiting for. The engine checks the 30-day window and routes to the organ above."""
    step = REVIEW_STEP.get(case.status)
    if step is None:
        raise engine.TransitionError("当前状态不能申请复查或复核")
    return engine.apply(case.pk, step, user=engine.PETITIONER, data={"reason": reason}, at=at)

"""Every write of the assessment app, one atomic function each."""

import random
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from xinfang.cases.models import Case, Status
from xinfang.cases.models_procedure import LetterKind, ReplyLetter
from xinfang.orgs.access import seats
from xinfang.orgs.models import Membership, Org, OrgKind, Role

from .models import (
    CallbackOutcome,
    HandlerAssessment,
    SampledCase,
    ThirdPartyEvaluation,
    ThirdPartyEvaluator,
    ThirdPartySample,
    Verdict,
)
from .tables import period_between


class AssessmentError(Exception):
    """A refused write; the message is for the user."""


# Once archived or terminated the matter is settled, and so is the assessment of it.
FROZEN = (Status.CLOSED, Status.TERMINATED, Status.MERGED)
ASSESSOR_ROLES = (Role.HANDLER, Role.LEADER)


def handling_org_id(case: Case) -> int:
    """The org that signed the latest reply, else the org holding the case (as the rates count it)."""
    signed = (ReplyLetter.objects.filter(case=case, kind=LetterKind.REPLY, signed_at__isnull=False)
              .order_by("-signed_at", "-id").values_list("org_id", flat=True).first())
    return signed or case.current_org_id


def assessing_org(user, case: Case) -> Org | None:
    """The handling org, when the user is its handler or leader."""
    org_id = handling_org_id(case)
    if any(s.org_id == org_id and s.role in ASSESSOR_ROLES for s in seats(user)):
        return Org.objects.get(pk=org_id)
    return None


def current_assessment(case: Case) -> HandlerAssessment | None:
    return (HandlerAssessment.objects.filter(case=case, org_id=handling_org_id(case))
            .select_related("assessed_by").order_by("-at", "-id").first())


@transaction.atomic
def record_handler_assessment(case_id: int, *, user, verdict: str, note: str = "",
                              at: datetime | None = None) -> HandlerAssessment:
    case = Case.objects.select_for_update().get(pk=case_id)
    org = assessing_org(user, case)
    if org is None:
        raise AssessmentError("只有办理单位的承办人或领导可以评估该信访事项")
    if case.status in FROZEN:
        raise AssessmentError("该信访事项已办结归档，评估不能再修改")
    if verdict not in Verdict.values:
        raise AssessmentError("请选择评估结论：合理、部分合理或不合理")
    return HandlerAssessment.objects.create(case=case, org=org, verdict=verdict, note=note.strip(),
                                            assessed_by=user, at=at or timezone.now())


# -- third-party call-backs -------------------------------------------------------

def replied_population(region_code: str, start: date, end: date) -> list[int]:
    """Ids of the cases whose reply was signed in the period, issue in the region, by id."""
    period = period_between(start, end)
    return list(
        Case.objects.filter(issue_region_id__gte=region_code, issue_region_id__lt=region_code + "\uffff",
                            letters__kind=LetterKind.REPLY, letters__signed_at__gte=period.start,
                            letters__signed_at__lt=period.end)
        .exclude(status=Status.MERGED).order_by("pk").values_list("pk", flat=True).distinct())


def draw(population: list[int], size: int, seed: int) -> list[int]:
    """The sample: a pure function of the sorted population, the size and the seed."""
    return sorted(random.Random(seed).sample(population, min(size, len(population))))


@transaction.atomic
def draw_sample(*, user, region_code: str, start: date, end: date, size: int | None = None,
                rate: float | None = None, seed: int | None = None, at: datetime | None = None) -> ThirdPartySample:
    if not user.has_perm("assessment.manage_third_party"):
        raise AssessmentError("没有组织第三方评议抽样的权限")
    population = replied_population(region_code, start, end)
    if rate is not None:
        if not 0 < rate <= 1:
            raise AssessmentError("抽样比例应在 0 到 100% 之间")
        size = max(1, round(len(population) * rate))
    if not size or size < 1:
        raise AssessmentError("请填写抽样数量或比例")
    enrol_seated_evaluators()
    evaluators = list(ThirdPartyEvaluator.objects.filter(active=True).order_by("pk"))
    if not evaluators:
        raise AssessmentError("没有启用的第三方评议员")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    sample = ThirdPartySample.objects.create(region_code=region_code, period_start=start, period_end=end, size=size,
                                             seed=seed, population=len(population), created_by=user,
                                             created_at=at or timezone.now())
    chosen = draw(population, size, seed)
    SampledCase.objects.bulk_create(SampledCase(sample=sample, case_id=case_id, evaluator=evaluators[i % len(evaluators)])
                                    for i, case_id in enumerate(chosen))
    return sample


def enrol_seated_evaluators() -> None:
    """A 第三方评议员 seat in a third-party org (as the demo tree gives) makes the
    user an evaluator; the ThirdPartyEvaluator row is where they are switched off."""
    seated = (Membership.objects.filter(role=Role.EVALUATOR, is_active=True, org__kind=OrgKind.THIRD_PARTY)
              .exclude(user__third_party_evaluator__isnull=False).select_related("org"))
    for m in seated:
        ThirdPartyEvaluator.objects.get_or_create(user_id=m.user_id, defaults={"company": m.org.name})


def evaluator_of(user) -> ThirdPartyEvaluator | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if any(s.role == Role.EVALUATOR for s in seats(user)):
        enrol_seated_evaluators()
    return ThirdPartyEvaluator.objects.filter(user=user, active=True).first()


@transaction.atomic
def record_third_party_evaluation(sampled_id: int, *, user, outcome: str, rating: str = "", note: str = "",
                                  at: datetime | None = None) -> ThirdPartyEvaluation:
    evaluator = evaluator_of(user)
    sampled = SampledCase.objects.select_for_update().filter(pk=sampled_id, evaluator=evaluator).first()
    if evaluator is None or sampled is None:
        raise AssessmentError("未找到该回访任务")
    if outcome not in CallbackOutcome.values:
        raise AssessmentError("请选择回访结果")
    if outcome == CallbackOutcome.REACHED and rating not in ("satisfied", "basically_satisfied", "dissatisfied"):
        raise AssessmentError("已回访的，请选择信访人的评价：满意、基本满意或不满意")
    if outcome != CallbackOutcome.REACHED:
        rating = ""
    values = {"case_id": sampled.case_id, "evaluator": evaluator, "outcome": outcome, "rating": rating,
              "note": note.strip(), "at": at or timezone.now()}
    found, _ = ThirdPartyEvaluation.objects.update_or_create(sampled=sampled, defaults=values)
    return found

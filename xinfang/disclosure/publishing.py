"""Publishing a case's result (信访公开): who may approve, which cases qualify,
and the two writes — approve and withdraw — each one transaction with its
timeline event.

Who: the leader or a registrar of a petition bureau whose region covers the
case's issue region, and who can see the case at all (`visible_cases`).
Anyone else gets the same 404 as for a case that does not exist.

What: only with the petitioner's consent, once the matter is answered
(replied, archived or terminated) with a signed letter; never an accusation
(检举控告), whose content may point at the accuser."""

from functools import reduce
from operator import or_

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from xinfang.cases.events import record_event
from xinfang.cases.models import Case, Status
from xinfang.cases.models_procedure import ReplyLetter
from xinfang.orgs.access import Seat, case_seats, visible_cases
from xinfang.orgs.models import OrgKind, Region, Role

from .masking import mask_for_publication, people_of
from .models import Publication

APPROVER_ROLES = frozenset({Role.LEADER, Role.REGISTRAR})
PUBLISHABLE_STATES = frozenset({Status.REPLIED, Status.CLOSED, Status.TERMINATED})


class PublicationError(Exception):
    """A refused publication; the message is for the user (Chinese)."""


def approver_seats(user) -> list[Seat]:
    return [s for s in case_seats(user) if s.role in APPROVER_ROLES and s.org_kind == OrgKind.BUREAU]


def _covering(seats: list[Seat]) -> Q | None:
    if not seats:
        return None
    return reduce(or_, (Q(issue_region_id__gte=s.region_code, issue_region_id__lt=s.region_code + "\uffff")
                        for s in seats))


def approvable_cases(user) -> QuerySet[Case]:
    """Cases this user may decide to publish or withdraw (whatever their state)."""
    covering = _covering(approver_seats(user))
    if covering is None:
        return Case.objects.none()
    return visible_cases(user).filter(covering)


def _signed_letters(case_ref: str = "pk"):
    return ReplyLetter.objects.filter(case_id=OuterRef(case_ref), signed_at__isnull=False)


def candidates(user) -> QuerySet[Case]:
    """Answered cases with consent, not yet published, waiting for this user's decision."""
    return (approvable_cases(user)
            .filter(consent_publish=True, is_accusation=False, status__in=PUBLISHABLE_STATES,
                    publication__isnull=True)
            .filter(Exists(_signed_letters()))
            .select_related("category", "issue_region", "current_org").order_by("-registered_at", "-id"))


def get_approvable_case(user, case_id) -> Case:
    try:
        return approvable_cases(user).select_related("category", "issue_region").get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该信访事项") from None


def final_letter(case: Case) -> ReplyLetter | None:
    """The last signed letter: the reply, or the review / re-examination opinion that settled it."""
    return (ReplyLetter.objects.filter(case=case, signed_at__isnull=False).select_related("org")
            .order_by("-signed_at", "-id").first())


def refusal(case: Case) -> str | None:
    """Why this case cannot be published, or None."""
    if not case.consent_publish:
        return "信访人未同意公开，该信访事项不能公开"
    if case.is_accusation:
        return "检举控告类信访事项不予公开，以保护检举控告人"
    if case.status not in PUBLISHABLE_STATES:
        return f"该信访事项尚未办结（当前状态：{Status(case.status).label}），答复后方可公开"
    if final_letter(case) is None:
        return "该信访事项没有已签发的答复意见书，不能公开"
    existing = Publication.objects.filter(case=case).first()
    if existing is not None:
        return "该信访事项的公开已撤回，不再公开" if existing.withdrawn else "该信访事项已经公开"
    return None


def masked_draft(case: Case) -> dict[str, str]:
    """What would be published, masked: the approver's starting point."""
    letter = final_letter(case)
    people = people_of(case)
    return {
        "title": mask_for_publication(case.title, people)[:100],
        "content": mask_for_publication("\n\n".join(x for x in (case.content, case.demands and f"诉求：{case.demands}")
                                                    if x), people),
        "reply_text": mask_for_publication(letter.text if letter else "", people),
    }


def remask(case: Case, texts: dict[str, str]) -> dict[str, str]:
    """The approver's edits, masked again: whatever they typed is checked too."""
    people = people_of(case)
    return {key: mask_for_publication((texts.get(key) or "").strip(), people)[:100 if key == "title" else None]
            for key in ("title", "content", "reply_text")}


def _district(case: Case) -> Region:
    code = case.issue_region_id[:6]
    return Region.objects.filter(code=code).first() or case.issue_region


def _seat_for(user, case: Case) -> Seat:
    covering = [s for s in approver_seats(user) if case.issue_region_id.startswith(s.region_code)]
    return max(covering, key=lambda s: len(s.region_code))


def approve_publication(case_id: int, *, user, title: str, content: str, reply_text: str, at=None) -> Publication:
    """Publish the case with these texts, masked once more. Raises Http404 for a
    case the user may not decide on, PublicationError for one that may not be published."""
    at = at or timezone.now()
    with transaction.atomic():
        case = get_approvable_case(user, case_id)
        case = Case.objects.select_for_update().get(pk=case.pk)
        problem = refusal(case)
        if problem:
            raise PublicationError(problem)
        texts = remask(case, {"title": title, "content": content, "reply_text": reply_text})
        missing = [label for key, label in (("title", "标题"), ("content", "信访内容"), ("reply_text", "答复意见"))
                   if not texts[key]]
        if missing:
            raise PublicationError("请填写：" + "、".join(missing))
        letter = final_letter(case)
        assert letter is not None  # refusal() checked
        seat = _seat_for(user, case)
        try:
            with transaction.atomic():
                pub = Publication.objects.create(
                    case=case, title=texts["title"], content=texts["content"], reply_text=texts["reply_text"],
                    reply_kind=letter.kind, reply_outcome=letter.outcome, reply_org=letter.org, replied_at=letter.signed_at,
                    district=_district(case), approved_by=user, approved_at=at,
                )
        except IntegrityError:
            raise PublicationError("该信访事项已经公开") from None
        record_event(case, "publish", actor=user, org_id=seat.org_id, at=at, is_public=True,
                     note="经信访人同意，办理结果脱敏后在“信访公开”栏目公开", payload={"publication": pub.pk})
    return pub


def get_publication_for_user(user, publication_id) -> Publication:
    try:
        return Publication.objects.select_related("case").get(pk=int(publication_id),
                                                              case__in=approvable_cases(user))
    except (Publication.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该公开信息") from None


def withdraw_publication(publication_id: int, *, user, reason: str, at=None) -> Publication:
    """Take a publication down (e.g. the petitioner objects, or something slipped through masking)."""
    at = at or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        pub = get_publication_for_user(user, publication_id)
        if not reason:
            raise PublicationError("请填写撤回理由")
        pub = Publication.objects.select_for_update().get(pk=pub.pk)
        if pub.withdrawn:
            raise PublicationError("该公开信息已经撤回")
        pub.withdrawn, pub.withdrawn_by, pub.withdrawn_at, pub.withdrawn_reason = True, user, at, reason[:200]
        pub.save(update_fields=["withdrawn", "withdrawn_by", "withdrawn_at", "withdrawn_reason"])
        record_event(pub.case, "withdraw_publication", actor=user, org_id=_seat_for(user, pub.case).org_id, at=at,
                     note=f"撤回信访公开：{reason}", payload={"publication": pub.pk})
    return pub

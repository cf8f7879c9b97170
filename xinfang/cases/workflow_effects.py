"""What each transition does besides changing the status: who receives the
case, which letter is written, which record is opened or closed. Also the
guards that depend on time (windows, deadlines) and on form data."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from xinfang.notifications.outbox import queue_case_notice
from xinfang.orgs.models import Org, OrgKind
from xinfang.rules import clocks

from .models import Case, CaseEvent
from .models_procedure import (
    Assignment,
    AssignmentKind,
    AssignmentState,
    Evaluation,
    EvaluationSource,
    EvaluationTarget,
    ExtensionRequest,
    LetterKind,
    Rating,
    ReplyLetter,
    ReviewOutcome,
)
from .models_procedure import (
    Outcome as ReplyOutcome,
)
from .workflow_access import involve

MAX_EXTENSION_DAYS = 30

FIELD_LABELS = {
    "to_org": "接收单位",
    "report_back_days": "报告期限（天）",
    "reason": "理由",
    "route": "其他法定途径",
    "into_case": "并入的事项",
    "text": "内容",
    "days": "延期天数",
    "outcome": "处理结论",
    "review_outcome": "复查（复核）结论",
    "legal_basis": "法律政策依据",
    "rights_notice": "救济途径告知",
    "rating": "评价",
}

ROUTES = {
    "litigation": "向人民法院提起诉讼",
    "arbitration": "申请仲裁",
    "reconsideration": "申请行政复议",
    "congress": "向人民代表大会及其常务委员会反映",
    "procuratorate": "向人民检察院提出",
    "discipline": "向纪检监察机关检举控告",
}


@dataclass
class Outcome:
    note: str = ""
    payload: dict = field(default_factory=dict)
    public: bool | None = None
    starts: tuple[str, ...] | None = None  # overrides the table (e.g. simple procedure)
    amounts: dict[str, int] = field(default_factory=dict)


# -- guards: depend on time and state beyond the status ----------------------------

def _window_open(case: Case, kind: str, at, what: str) -> str | None:
    clock = clocks.running_clock(case, kind)
    if clock is None or at > clock.due_at:
        return f"已超过{what}期限"
    return None


def _window_lapsed(case: Case, kind: str, at, what: str) -> str | None:
    clock = clocks.running_clock(case, kind)
    if clock is not None and at <= clock.due_at:
        return f"{what}期限尚未届满（{clock.due_date:%Y-%m-%d}），暂不能办理"
    return None


def _pending_extension(case: Case) -> ExtensionRequest | None:
    return case.extension_requests.filter(approved__isnull=True).order_by("-requested_at").first()


def _guard_extension_request(case, data, at, user):
    if _pending_extension(case):
        return "已有待审批的延期申请"
    clock = clocks.running_clock(case, "handle")
    if clock is None:
        return "简易办理或未在办理期限内的事项不能延期"
    if at > clock.due_at:
        return "办理期限已届满，不能再申请延期"
    if case.extension_requests.filter(approved=True).exists():
        return "该事项已延期一次，不能再次延期"
    return None


def _guard_pending(case, data, at, user):
    return None if _pending_extension(case) else "没有待审批的延期申请"


def _guard_reply(case, data, at, user):
    return None if _draft(case) else "尚无待签发的答复意见书"


def _guard_hearing_pause(case, data, at, user):
    return None if clocks.running_clock(case, "reexamine", paused=False) else "复核期限已暂停"


def _guard_hearing_resume(case, data, at, user):
    return None if clocks.running_clock(case, "reexamine", paused=True) else "复核期限未暂停"


GUARDS: dict[str, Callable] = {
    "object": lambda c, d, at, u: _window_open(c, "object", at, "5个工作日的异议"),
    "request_extension": _guard_extension_request,
    "approve_extension": _guard_pending,
    "refuse_extension": _guard_pending,
    "reply": _guard_reply,
    "review_request": lambda c, d, at, u: _window_open(c, "review_request", at, "30日的复查申请"),
    "reexamine_request": lambda c, d, at, u: _window_open(c, "reexamine_request", at, "30日的复核申请"),
    "terminate": lambda c, d, at, u: _window_lapsed(c, "reexamine_request", at, "复核申请"),
    "close": lambda c, d, at, u: _window_lapsed(c, "review_request", at, "复查申请"),
    "hearing_pause": _guard_hearing_pause,
    "hearing_resume": _guard_hearing_resume,
}


# -- validation of form data ----------------------------------------------------------

def _org(data, key="to_org") -> Org | None:
    value = data.get(key)
    if isinstance(value, Org):
        return value
    try:
        return Org.objects.select_related("region").get(pk=int(value), is_active=True)
    except (Org.DoesNotExist, TypeError, ValueError):
        return None


def validate(name: str, case: Case, data: dict, at, user) -> str | None:
    if name in ("forward", "assign", "guide_down", "delegate"):
        target = _org(data)
        if target is None:
            return "请选择有效的接收单位"
        if target.pk == case.current_org_id:
            return "不能转给本单位"
        if name == "guide_down":
            if target.kind != OrgKind.BUREAU or not case.issue_region_id.startswith(target.region_id):
                return "逐级走访应引导至问题属地的下级信访部门"
            if len(target.region_id) <= len(case.current_org.region_id):
                return "逐级走访应引导至下一级信访部门"
        if name == "delegate":
            holder_region = case.current_org.region_id
            if target.region.parent_id != holder_region:
                return "只能转交下一级单位调查办理"
    if name in ("assign", "delegate"):
        days = _int(data.get("report_back_days"))
        if days is None or not 1 <= days <= 90:
            return "报告期限应为1至90天"
    if name == "accept" and data.get("simple") and not case.is_first_time:
        return "简易办理仅适用于初次信访事项"
    if name == "request_extension":
        days = _int(data.get("days"))
        if days is None or not 1 <= days <= MAX_EXTENSION_DAYS:
            return f"延期天数应为1至{MAX_EXTENSION_DAYS}日"
    if name == "draft_reply" and data.get("outcome") not in ReplyOutcome.values:
        return "请选择处理结论：支持、解释说明或不予支持"
    if name in ("review_decide", "reexamine_decide") and data.get("review_outcome") not in ReviewOutcome.values:
        return "请选择结论：维持、撤销或变更"
    if name == "redirect" and data.get("route") not in ROUTES:
        return "请选择其他法定途径"
    if name == "evaluate":
        for key in ("rating", "bureau_rating"):
            if data.get(key) and data[key] not in Rating.values:
                return "评价只能为满意、基本满意或不满意"
    if name in ("review_request", "reexamine_request") and _reviewer(case) is None:
        return "该单位未设置复查（复核）机关，请联系系统管理员"
    if name == "merge":
        into = Case.objects.filter(pk=_int(data.get("into_case")) or 0).first()
        if into is None or into.pk == case.pk or into.merged_into_id:
            return "请选择有效的并入事项"
    return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _draft(case: Case) -> ReplyLetter | None:
    return case.letters.filter(kind=LetterKind.REPLY, signed_at__isnull=True, returned_note="").last()


def _last_signed(case: Case, kind: str) -> ReplyLetter | None:
    return case.letters.filter(kind=kind, signed_at__isnull=False).order_by("signed_at", "id").last()


def _reviewer(case: Case) -> Org | None:
    """The organ above the one whose decision is challenged (art. 35-36)."""
    return case.current_org.superior


# -- the steps -----------------------------------------------------------------------

def _send(case: Case, data, at, user, actor_org_id, kind: str) -> Outcome:
    target = _org(data)
    if target is None:  # validate() refuses this before any step runs
        raise ValueError("no target org")
    days = _int(data.get("report_back_days")) or 0
    Assignment.objects.filter(case=case, to_org_id=case.current_org_id, state=AssignmentState.OPEN,
                              kind__in=[AssignmentKind.FORWARD, AssignmentKind.ASSIGN]).update(
        state=AssignmentState.ACCEPTED, closed_at=at)
    a = Assignment.objects.create(
        case=case, kind=kind, from_org_id=case.current_org_id, to_org=target, created_at=at, created_by=user,
        report_back_required=kind in (AssignmentKind.ASSIGN, AssignmentKind.DELEGATE),
        report_back_due=(timezone.localdate(at) + timedelta(days=days) if days else None), instructions=data.get("text", ""),
    )
    out = Outcome(payload={"to_org": target.pk, "assignment": a.pk, "kind": kind})
    if kind == AssignmentKind.DELEGATE:
        involve(case, target.pk, "delegated")
        out.note = f"转交{target.name}调查办理，限{days}日内报告结果"
        return out
    case.current_org = target
    involve(case, target.pk, {"forward": "forwarded", "assign": "assigned"}.get(kind, "guided"))
    if kind == AssignmentKind.ASSIGN:
        out.amounts["report_back"] = days
        out.note = f"交办{target.name}，限{days}日内报告办理结果"
    elif kind == AssignmentKind.GUIDE_DOWN:
        case.is_level_skipping = True
        out.note = f"越级走访，引导信访人向{target.name}逐级走访，事项移交{target.name}处理"
    else:
        out.note = f"转送{target.name}"
    if data.get("text"):
        out.note += f"：{data['text']}"
    return out


def _accept(case, data, at, user, actor_org_id):
    Assignment.objects.filter(case=case, to_org_id=case.current_org_id, state=AssignmentState.OPEN).update(
        state=AssignmentState.ACCEPTED)
    involve(case, case.current_org_id, "handling")
    if data.get("simple"):
        case.simple_procedure = True
        return Outcome(note="予以受理，适用简易办理程序（10个工作日内答复）", starts=("simple",))
    return Outcome(note="予以受理，已书面告知信访人")


def _close_assignment(case, org_id, state, at):
    Assignment.objects.filter(case=case, to_org_id=org_id, state=AssignmentState.OPEN).update(
        state=state, closed_at=at)


def _decline(case, data, at, user, actor_org_id):
    _close_assignment(case, case.current_org_id, AssignmentState.DECLINED, at)
    return Outcome(note=f"不予受理：{data['reason']}")


def _object(case, data, at, user, actor_org_id):
    a = Assignment.objects.filter(case=case, to_org_id=case.current_org_id, state=AssignmentState.OPEN).last()
    back_to = a.from_org if a else case.registered_org
    _close_assignment(case, case.current_org_id, AssignmentState.OBJECTED, at)
    objector = case.current_org
    case.current_org = back_to
    return Outcome(note=f"{objector.name}提出异议，退回{back_to.name}重新处理：{data['reason']}",
                   payload={"back_to": back_to.pk})


def _redirect(case, data, at, user, actor_org_id):
    route = ROUTES[data["route"]]
    return Outcome(note=f"告知信访人{route}：{data['reason']}", payload={"route": data["route"]})


def _refuse_repeat(case, data, at, user, actor_org_id):
    _close_assignment(case, case.current_org_id, AssignmentState.DECLINED, at)
    return Outcome(note=f"不再受理：{data['reason']}")


def _merge(case, data, at, user, actor_org_id):
    target = Case.objects.get(pk=_int(data["into_case"]))
    case.merged_into = target
    Case.objects.filter(pk=target.pk).update(submission_count=F("submission_count") + case.submission_count)
    return Outcome(note=f"与{target.number}属同一事项，并入办理", payload={"into_case": target.pk})


def _note(case, data, at, user, actor_org_id):
    return Outcome(note=data["text"])


def _delegate_report(case, data, at, user, actor_org_id):
    Assignment.objects.filter(case=case, kind=AssignmentKind.DELEGATE, to_org_id=actor_org_id,
                              state=AssignmentState.OPEN).update(state=AssignmentState.REPORTED, closed_at=at)
    return Outcome(note=f"报告调查处理结果：{data['text']}")


def _request_extension(case, data, at, user, actor_org_id):
    days = int(data["days"])
    req = ExtensionRequest.objects.create(case=case, org_id=actor_org_id, days=days, reason=data["reason"],
                                          requested_by=user, requested_at=at)
    return Outcome(note=f"申请延期{days}日：{data['reason']}", payload={"request": req.pk, "days": days})


def _approve_extension(case, data, at, user, actor_org_id):
    req = _pending_extension(case)
    clock = clocks.extend_clock(case, "handle", req.days, at=at, reason=req.reason)
    ExtensionRequest.objects.filter(pk=req.pk).update(approved=True, decided_by=user, decided_at=at,
                                                      decision_note=data.get("text", ""))
    return Outcome(note=f"批准延期{req.days}日，办理期限延至{clock.due_date:%Y-%m-%d}。延期理由：{req.reason}",
                   payload={"request": req.pk, "days": req.days, "due": clock.due_date.isoformat()})


def _refuse_extension(case, data, at, user, actor_org_id):
    req = _pending_extension(case)
    ExtensionRequest.objects.filter(pk=req.pk).update(approved=False, decided_by=user, decided_at=at,
                                                      decision_note=data["reason"])
    return Outcome(note=f"不批准延期：{data['reason']}", payload={"request": req.pk})


def _letter(case, data, at, user, actor_org_id, kind, outcome_key, signed: bool) -> ReplyLetter:
    return ReplyLetter.objects.create(
        case=case, kind=kind, org_id=actor_org_id, outcome=data[outcome_key], text=data["text"],
        legal_basis=data.get("legal_basis", ""), rights_notice=data.get("rights_notice", ""),
        drafted_by=user, drafted_at=at, signed_by=user if signed else None, signed_at=at if signed else None,
    )


def _draft_reply(case, data, at, user, actor_org_id):
    letter = _letter(case, data, at, user, actor_org_id, LetterKind.REPLY, "outcome", signed=False)
    return Outcome(note=f"拟写答复意见（{letter.outcome_label}），报负责人签发", payload={"letter": letter.pk})


def _return_draft(case, data, at, user, actor_org_id):
    letter = _draft(case)
    ReplyLetter.objects.filter(pk=letter.pk).update(returned_note=data["reason"])
    return Outcome(note=f"答复意见退回修改：{data['reason']}", payload={"letter": letter.pk})


def _reply(case, data, at, user, actor_org_id):
    letter = _draft(case)
    ReplyLetter.objects.filter(pk=letter.pk).update(signed_by=user, signed_at=at)
    return Outcome(note=f"出具答复意见书（{letter.outcome_label}）：{letter.text}",
                   payload={"letter": letter.pk, "outcome": letter.outcome})


def _report_back(case, data, at, user, actor_org_id):
    Assignment.objects.filter(case=case, kind=AssignmentKind.ASSIGN, to_org_id=actor_org_id,
                              state=AssignmentState.ACCEPTED).update(state=AssignmentState.REPORTED, closed_at=at)
    return Outcome(note="向交办机关报告办理结果" + (f"：{data['text']}" if data.get("text") else ""))


def _evaluate(case, data, at, user, actor_org_id):
    source = data.get("source") or EvaluationSource.PROXY
    handler = _last_signed(case, LetterKind.REPLY)
    handler_org_id = handler.org_id if handler else case.current_org_id
    labels = dict(Rating.choices)
    parts = []
    for target, org_id, key in ((EvaluationTarget.HANDLER, handler_org_id, "rating"),
                                (EvaluationTarget.BUREAU, case.registered_org_id, "bureau_rating")):
        rating = data.get(key)
        if rating:
            Evaluation.objects.update_or_create(
                case=case, target=target, source=source, org_id=org_id,
                defaults={"rating": rating, "comment": data.get("text", ""), "recorded_by": user, "at": at})
            parts.append(f"对{EvaluationTarget(target).label}{labels[rating]}")
    return Outcome(note="信访人评价：" + "，".join(parts), payload={"rating": data.get("rating"),
                                                              "bureau_rating": data.get("bureau_rating")})


def _to_reviewer(case, data, at, user, actor_org_id, relation: str, what: str):
    reviewer = _reviewer(case)
    if reviewer is None:  # validate() refuses this before any step runs
        raise ValueError("no reviewing organ")
    challenged = case.current_org
    case.current_org = reviewer
    involve(case, reviewer.pk, relation)
    return Outcome(note=f"信访人不服{challenged.name}的意见，请求{reviewer.name}{what}：{data['reason']}",
                   payload={"reviewer": reviewer.pk})


def _decide(case, data, at, user, actor_org_id, kind):
    letter = _letter(case, data, at, user, actor_org_id, kind, "review_outcome", signed=True)
    name = "复查" if kind == LetterKind.REVIEW else "复核"
    return Outcome(note=f"出具{name}意见书（{letter.outcome_label}）：{letter.text}",
                   payload={"letter": letter.pk, "outcome": letter.outcome})


def _rehandle(case, data, at, user, actor_org_id):
    letter = _last_signed(case, LetterKind.REPLY)
    handler_id = letter.org_id if letter else case.current_org_id
    case.current_org_id = handler_id
    case.simple_procedure = False
    return Outcome(note=f"督查责令重新办理：{data['reason']}", payload={"handler": handler_id})


Step = Callable[[Case, dict, datetime, object, int], Outcome]


def _sending(kind: str) -> Step:
    def step(case, data, at, user, actor_org_id) -> Outcome:
        return _send(case, data, at, user, actor_org_id, kind)
    return step


def _reviewing(relation: str, what: str) -> Step:
    def step(case, data, at, user, actor_org_id) -> Outcome:
        return _to_reviewer(case, data, at, user, actor_org_id, relation, what)
    return step


def _deciding(kind: str) -> Step:
    def step(case, data, at, user, actor_org_id) -> Outcome:
        return _decide(case, data, at, user, actor_org_id, kind)
    return step


STEPS: dict[str, Step] = {
    "forward": _sending(AssignmentKind.FORWARD),
    "assign": _sending(AssignmentKind.ASSIGN),
    "guide_down": _sending(AssignmentKind.GUIDE_DOWN),
    "delegate": _sending(AssignmentKind.DELEGATE),
    "accept": _accept,
    "decline": _decline,
    "object": _object,
    "redirect": _redirect,
    "refuse_repeat": _refuse_repeat,
    "merge": _merge,
    "note": _note,
    "delegate_report": _delegate_report,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "refuse_extension": _refuse_extension,
    "draft_reply": _draft_reply,
    "return_draft": _return_draft,
    "reply": _reply,
    "report_back": _report_back,
    "evaluate": _evaluate,
    "review_request": _reviewing("reviewing", "复查"),
    "review_decide": _deciding(LetterKind.REVIEW),
    "reexamine_request": _reviewing("reexamining", "复核"),
    "hearing_pause": lambda case, data, *a: Outcome(note=f"举行听证，复核期限暂停计算：{data['reason']}"),
    "hearing_resume": lambda case, data, *a: Outcome(note=f"听证结束，复核期限恢复计算：{data['text']}"),
    "reexamine_decide": _deciding(LetterKind.REEXAMINE),
    "terminate": lambda *a: Outcome(note="复核申请期限届满，复查意见为最终意见，事项终结"),
    "close": lambda *a: Outcome(note="办理完毕，归档"),
    "rehandle": _rehandle,
}


def run(name: str, case: Case, data: dict, *, at, user, actor_org_id: int) -> Outcome:
    return STEPS[name](case, data, at, user, actor_org_id)


def after_event(t, case: Case, event: CaseEvent, outcome: Outcome) -> None:
    """Queue the petitioner's notice in the same transaction as the event."""
    if t.notice:
        queue_case_notice(case, event, t.notice)

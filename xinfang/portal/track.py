"""Progress queries: who may look (query code + last 4 phone digits, throttled)
and what they see (public events, running clocks, signed letters, notices —
and themselves only masked)."""

import functools
from dataclasses import dataclass, field
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.safestring import SafeString, mark_safe

from xinfang.cases import workflow_engine as engine
from xinfang.cases.events import action_label
from xinfang.cases.models import Case, CasePetitioner, Petitioner, Status
from xinfang.cases.models_procedure import EvaluationSource, LetterKind
from xinfang.cases.workflow import BY_NAME
from xinfang.lib.crypto import decrypt_field
from xinfang.lib.masking import mask_name, mask_phone
from xinfang.notifications.models import OutboxMessage
from xinfang.rules import clocks
from xinfang.rules.kinds import ClockKind

from . import ratelimit, track_cache

MSG_NO_MATCH = "查询码或手机号码后四位不正确，请核对后重新输入"

NOTICE_LABELS = {
    "registered": "登记告知", "forwarded": "转送（交办）告知", "accepted": "受理告知书",
    "declined": "不予受理告知书", "redirected": "其他法定途径告知", "refused_repeat": "不再受理告知书",
    "guided_down": "逐级走访告知", "extended": "延期办理告知", "replied": "答复意见书送达",
    "review_received": "复查申请收到告知", "review_decided": "复查意见书送达",
    "reexamine_received": "复核申请收到告知", "reexamine_decided": "复核意见书送达",
    "rehandle": "重新办理告知", "declined_above": "不予受理告知",
}
REVIEW_STEP: dict[str, str] = {Status.REPLIED: "review_request", Status.REVIEWED: "reexamine_request"}


class QueryRefused(Exception):
    """Wrong code or digits, or too many failures; the message is for the user."""


def find_case(query_code: str, last4: str, *, ip: str) -> Case:
    """The case, if the code and the phone's last four digits match. Wrong code
    and wrong digits get the same answer; failures count per IP and per code."""
    problem = ratelimit.first_exceeded([("track_ip", ip), ("track_code", query_code)])
    if problem:
        raise QueryRefused(problem)
    # The case (the fields its page needs, and the page cache's version) and its
    # petitioners' phones in one query; a case without petitioners cannot match.
    rows = list(Case.objects.raw(_find_sql(), [query_code])) if query_code else []
    phones = [decrypt_field(row.petitioner_phone) if row.petitioner_phone else "" for row in rows]
    if not any(len(p) >= 4 and constant_time_compare(p[-4:], last4) for p in phones):
        ratelimit.hit("track_ip", ip)
        ratelimit.hit("track_code", query_code)
        raise QueryRefused(MSG_NO_MATCH)
    return rows[0]


@functools.cache
def _find_sql() -> str:
    links, people = CasePetitioner._meta.db_table, Petitioner._meta.db_table
    return track_cache.case_sql(
        join=f'JOIN "{links}" cp ON cp.case_id = c.id JOIN "{people}" p ON p.id = cp.petitioner_id',
        where="c.query_code = %s", extra=", p.phone AS petitioner_phone")


@dataclass
class PublicEvent:
    at: datetime
    label: str
    org: str
    note: str


@dataclass
class PublicClock:
    kind: str
    due_at: datetime
    label: str
    due_date: date
    paused: bool
    article: str
    explanation: list[str]


@dataclass
class PublicLetter:
    kind: str
    kind_label: str
    org: str
    signed_at: datetime | None
    outcome_label: str
    text: str
    legal_basis: str
    rights_notice: str


@dataclass
class PublicEvaluation:
    target_label: str
    org: str
    rating_label: str
    comment: str


@dataclass
class PublicRecord:
    """What the page shows that changes only with the case: cached (track_cache)
    with the HTML of the public part (_case_public.html) rendered from it."""

    petitioner_name: str
    petitioner_phone: str
    events: list[PublicEvent]
    clocks: list[PublicClock]
    letters: list[PublicLetter]
    notices: list[dict]
    evaluations: list[PublicEvaluation]
    html: str = ""

    def evaluate_due_at(self) -> datetime | None:
        return next((c.due_at for c in self.clocks if c.kind == ClockKind.EVALUATE), None)


@dataclass
class PublicCase:
    case: Case
    petitioner_name: str
    petitioner_phone: str
    events: list[PublicEvent]
    clocks: list[PublicClock]
    letters: list[PublicLetter]
    notices: list[dict]
    evaluations: list[PublicEvaluation]
    evaluation_refusal: str | None
    show_evaluation: bool
    html: SafeString = field(default_factory=lambda: mark_safe(""))  # noqa: S308 - empty
    handler_org: str = ""
    review_step: str | None = None
    review_label: str = ""
    review_refusal: str | None = None
    reviewer: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return Status(self.case.status).label


def evaluation_refusal(case: Case, at: datetime, known: PublicRecord | None = None) -> str | None:
    """Why the petitioner may not rate now, or None. The engine checks the state;
    the window (the 评价 clock) and "only once" are checked here. `known`: the
    page's record of the case, instead of asking the database again."""
    rated = bool(known.evaluations) if known is not None else \
        case.evaluations.filter(source=EvaluationSource.SELF).exists()
    if rated:
        return "您已对本事项作出评价，感谢您的参与"
    problem = engine.refusal(engine.PETITIONER, case, BY_NAME["evaluate"], None, at)
    if problem:
        return problem
    if known is not None:
        due = known.evaluate_due_at()
    else:
        clock = clocks.running_clock(case, ClockKind.EVALUATE)
        due = clock.due_at if clock else None
    if due is None or at > due:
        return "已超过评价期限"
    return None


def _petitioner(case: Case) -> tuple[str, str]:
    links = list(case.petitioner_links.select_related("petitioner").order_by("-is_lead", "id"))
    if not links:
        return "匿名", ""
    p = links[0].petitioner
    return mask_name(p.name), mask_phone(p.phone or "")


def public_record(case: Case) -> PublicRecord:
    """Read the public parts of the case from the database (one query each)."""
    name, phone = _petitioner(case)
    events = [PublicEvent(e.at, action_label(e.action), e.org.name if e.org else "", e.note)
              for e in case.events.filter(is_public=True).select_related("org").order_by("at", "id")]
    running = [PublicClock(c.kind, c.due_at, ClockKind(c.kind).label, c.due_date, c.state == "paused", c.article,
                           [str(x) for x in c.explanation])
               for c in clocks.running_clocks(case)]
    letters = [PublicLetter(x.kind, LetterKind(x.kind).label, x.org.name, x.signed_at, x.outcome_label, x.text,
                            x.legal_basis, x.rights_notice)
               for x in case.letters.filter(signed_at__isnull=False).select_related("org").order_by("signed_at", "id")]
    notices = [{"label": NOTICE_LABELS.get(m.template, "告知"), "at": m.created_at, "sent": m.state == "sent"}
               for m in OutboxMessage.objects.filter(case=case).exclude(template="verification_code")
               .order_by("created_at", "id")]
    evaluations = [PublicEvaluation(e.get_target_display(), e.org.name, e.get_rating_display(), e.comment)
                   for e in case.evaluations.filter(source=EvaluationSource.SELF).select_related("org")
                   .order_by("at", "id")]
    return PublicRecord(name, phone, events, running, letters, notices, evaluations)


def _cached_record(case: Case) -> PublicRecord:
    def build() -> PublicRecord:
        # The whole case, with what the page names of it in the same query (the
        # caller's copy may hold only the fields a cached page needs).
        full = Case.objects.select_related("current_org", "registered_org",
                                           "issue_region__parent__parent__parent").get(pk=case.pk)
        record = public_record(full)
        record.html = render_to_string("portal/_case_public.html", {"view": _view(full, record)})
        return record

    return track_cache.get_or_build(case, build)


def _view(case: Case, record: PublicRecord) -> PublicCase:
    return PublicCase(case, record.petitioner_name, record.petitioner_phone, record.events, record.clocks,
                      record.letters, record.notices, record.evaluations, evaluation_refusal=None,
                      show_evaluation=case.status == Status.REPLIED or bool(record.evaluations))


def public_case(case: Case, at: datetime | None = None) -> PublicCase:
    """The page's view of the case. The case parts come from the cache (see
    track_cache); what depends on the time (may they rate, ask for review) is
    decided here on every request."""
    at = at or timezone.now()
    record = _cached_record(case)
    view = _view(case, record)
    view.html = mark_safe(record.html)  # noqa: S308 - rendered by our autoescaping template
    view.evaluation_refusal = evaluation_refusal(case, at, record)
    if view.show_evaluation:  # named on the evaluation form only
        replies = [x for x in record.letters if x.kind == LetterKind.REPLY]
        view.handler_org = replies[-1].org if replies else case.current_org.name
    step = REVIEW_STEP.get(case.status)
    if step:
        t = BY_NAME[step]
        view.review_step, view.review_label = step, t.label
        view.review_refusal = engine.refusal(engine.PETITIONER, case, t, None, at)
        superior = case.current_org.superior
        view.reviewer = superior.name if superior else ""
    return view

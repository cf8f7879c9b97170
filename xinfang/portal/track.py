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
from xinfang.cases.models import Case, CaseEvent, CasePetitioner, Petitioner, Status
from xinfang.cases.models_procedure import (
    Evaluation,
    EvaluationSource,
    EvaluationTarget,
    LetterKind,
    Rating,
    ReplyLetter,
    outcome_label,
)
from xinfang.cases.workflow import BY_NAME
from xinfang.lib.crypto import decrypt_field
from xinfang.lib.masking import mask_name, mask_phone
from xinfang.lib.sqlrows import Statement, as_instance
from xinfang.notifications.models import OutboxMessage
from xinfang.orgs.models import Org, Region
from xinfang.rules import clocks
from xinfang.rules.kinds import OPEN_STATES, ClockKind
from xinfang.rules.models import Clock

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
_TARGETS, _RATINGS = dict(EvaluationTarget.choices), dict(Rating.choices)
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
    phones = [decrypt_field(p) if (p := _col(row, "petitioner_phone")) else "" for row in rows]
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
    current_org: str = ""
    region: str = ""
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
    current_org: str = ""  # names, as the cached record has them
    region: str = ""
    version: str = ""  # track_cache's version of the case: the page follows from it and the fields above
    extra: dict = field(default_factory=dict)

    def page_signature(self) -> tuple:
        """What a rendered page depends on besides the browser (page_cache)."""
        return (self.case.pk, self.version, self.show_evaluation, self.evaluation_refusal, self.handler_org,
                self.review_step, self.review_label, self.review_refusal, self.reviewer)

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


# The public record is read with SQL written once per process into plain rows
# (xinfang.lib.sqlrows, which converts each column as its field would: time
# zones, JSON, decryption): the ORM's compiling, and then raw()'s model
# instances, cost more than the queries and the page together.

def _col(row, name: str):
    """A column a raw() query adds beside the model's fields."""
    return row.__dict__.get(name)


def _t(model) -> str:
    return f'"{model._meta.db_table}"'


def _f(model, *names: str) -> list:
    return [model._meta.get_field(n) for n in names]


@functools.cache
def _record_sql() -> dict[str, Statement]:
    org = _t(Org)
    open_states = ", ".join(f"'{state}'" for state in OPEN_STATES)  # clocks.running_clocks' states
    # Our own table names; the case id is a parameter.
    return {
        "case": Statement(
            f"SELECT c.id, c.number, c.status, c.title, c.content, c.demands, c.registered_at, c.issue_region_id,"  # noqa: S608
            f" o.name FROM {_t(Case)} c LEFT JOIN {org} o ON o.id = c.current_org_id WHERE c.id = %s",
            [*_f(Case, "id", "number", "status", "title", "content", "demands", "registered_at", "issue_region"),
             "current_org_name"]),
        "petitioner": Statement(
            f"SELECT p.name, p.phone FROM {_t(CasePetitioner)} cp JOIN {_t(Petitioner)} p"  # noqa: S608
            f" ON p.id = cp.petitioner_id WHERE cp.case_id = %s ORDER BY cp.is_lead DESC, cp.id",
            _f(Petitioner, "name", "phone")),
        "events": Statement(
            f"SELECT e.at, e.action, e.note, o.name FROM {_t(CaseEvent)} e"  # noqa: S608
            f" LEFT JOIN {org} o ON o.id = e.org_id WHERE e.case_id = %s AND e.is_public ORDER BY e.at, e.id",
            [*_f(CaseEvent, "at", "action", "note"), "org_name"]),
        "clocks": Statement(
            f"SELECT k.kind, k.due_at, k.due_date, k.state, k.article, k.explanation FROM {_t(Clock)} k"  # noqa: S608
            f" WHERE k.case_id = %s AND k.state IN ({open_states}) ORDER BY k.due_at",
            _f(Clock, "kind", "due_at", "due_date", "state", "article", "explanation")),
        "letters": Statement(
            f"SELECT x.kind, x.signed_at, x.outcome, x.text, x.legal_basis, x.rights_notice,"  # noqa: S608
            f" o.name FROM {_t(ReplyLetter)} x JOIN {org} o ON o.id = x.org_id"
            f" WHERE x.case_id = %s AND x.signed_at IS NOT NULL ORDER BY x.signed_at, x.id",
            [*_f(ReplyLetter, "kind", "signed_at", "outcome", "text", "legal_basis", "rights_notice"), "org_name"]),
        "notices": Statement(
            f"SELECT m.template, m.created_at, m.state FROM {_t(OutboxMessage)} m"  # noqa: S608
            f" WHERE m.case_id = %s AND m.template <> 'verification_code' ORDER BY m.created_at, m.id",
            _f(OutboxMessage, "template", "created_at", "state")),
        "evaluations": Statement(
            f"SELECT v.target, v.rating, v.comment, o.name FROM {_t(Evaluation)} v"  # noqa: S608
            f" JOIN {org} o ON o.id = v.org_id WHERE v.case_id = %s AND v.source = 'self'"
            f" ORDER BY v.at, v.id",
            [*_f(Evaluation, "target", "rating", "comment"), "org_name"]),
    }


@functools.lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    """问题属地 in full (区划 names change only with a new division import; restart to see one)."""
    region = Region.objects.filter(pk=code).first()
    return region.full_name if region else ""


def public_record(case_id: int) -> tuple[Case, PublicRecord]:
    """Read the case and the public parts of it from the database (one query each)."""
    sql = _record_sql()
    row = sql["case"].first([case_id])
    case = as_instance(Case, row)
    people = sql["petitioner"].all([case_id])
    name, phone = (mask_name(people[0].name), mask_phone(people[0].phone or "")) if people else ("匿名", "")
    events = [PublicEvent(e.at, action_label(e.action), e.org_name or "", e.note)
              for e in sql["events"].all([case_id])]
    running = [PublicClock(c.kind, c.due_at, ClockKind(c.kind).label, c.due_date, c.state == "paused", c.article,
                           [str(x) for x in c.explanation])
               for c in sql["clocks"].all([case_id])]
    letters = [PublicLetter(x.kind, LetterKind(x.kind).label, x.org_name, x.signed_at, outcome_label(x.outcome),
                            x.text, x.legal_basis, x.rights_notice)
               for x in sql["letters"].all([case_id])]
    notices = [{"label": NOTICE_LABELS.get(m.template, "告知"), "at": m.created_at, "sent": m.state == "sent"}
               for m in sql["notices"].all([case_id])]
    evaluations = [PublicEvaluation(_TARGETS.get(e.target, e.target), e.org_name, _RATINGS.get(e.rating, e.rating),
                                    e.comment)
                   for e in sql["evaluations"].all([case_id])]
    record = PublicRecord(name, phone, events, running, letters, notices, evaluations,
                          current_org=row.current_org_name or "", region=region_name(case.issue_region_id))
    return case, record


def _cached_record(case: Case) -> PublicRecord:
    def build() -> PublicRecord:
        # The caller's copy of the case may hold only the fields a cached page needs.
        full, record = public_record(case.pk)
        record.html = render_to_string("portal/_case_public.html", {"view": _view(full, record)})
        return record

    return track_cache.get_or_build(case, build)


def _view(case: Case, record: PublicRecord) -> PublicCase:
    return PublicCase(case, record.petitioner_name, record.petitioner_phone, record.events, record.clocks,
                      record.letters, record.notices, record.evaluations, evaluation_refusal=None,
                      show_evaluation=case.status == Status.REPLIED or bool(record.evaluations),
                      current_org=record.current_org, region=record.region)


def public_case(case: Case, at: datetime | None = None) -> PublicCase:
    """The page's view of the case. The case parts come from the cache (see
    track_cache); what depends on the time (may they rate, ask for review) is
    decided here on every request."""
    at = at or timezone.now()
    record = _cached_record(case)
    view = _view(case, record)
    view.version = track_cache.version(case)
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

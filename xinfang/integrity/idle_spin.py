"""Idle-spin (网上空转) rules: cases that move on screen without being solved.

Each rule is a function ``(since, until, now) -> list[Flag]`` that finds the
offending cases of a period set-wise and explains each finding in Chinese with
its evidence; ``sweep`` raises them (idempotently, see flags.py). Thresholds
come from conf.py (overridable in settings ``INTEGRITY``).

(a) template_reply      reply text nearly identical to many replies of the same org
(b) last_minute_reply   reply in the last part of the limit with no recorded work
(c) ping_pong           the case sent A → B and back B → A
(d) repeat_after_reply  the same matter comes back within 90 days of a reply
(e) dissatisfied_unchanged  rated 不满意, then closed with nothing done (or review
                        upheld with the reply's own text)
(f) proxy_evaluations   an org whose evaluations are mostly entered by staff (代评)
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from xinfang.cases.models import Case, CaseEvent, Submission
from xinfang.cases.models_procedure import (
    Assignment,
    AssignmentKind,
    Evaluation,
    EvaluationSource,
    LetterKind,
    Rating,
    ReplyLetter,
    ReviewOutcome,
)
from xinfang.orgs.models import Org
from xinfang.rules.models import Clock

from .conf import setting
from .flags import case_flag
from .models import CaseLink, Flag, LinkState, Rule
from .text_similarity import near_duplicates, text_similarity

# Events that show someone worked on the case between acceptance and reply.
WORK_ACTIONS = frozenset({"note", "delegate", "delegate_report", "request_extension", "approve_extension",
                          "attach", "hearing_pause", "hearing_resume", "supervise", "urge"})
# After a 不满意 rating, any of these means the org did something about it.
FOLLOW_UP_ACTIONS = WORK_ACTIONS | {"draft_reply", "reply", "rehandle", "review_decide", "reexamine_decide"}
SENDING_KINDS = (AssignmentKind.FORWARD, AssignmentKind.ASSIGN, AssignmentKind.GUIDE_DOWN)


def _d(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d}"


def _names(ids) -> dict[int, str]:
    return dict(Org.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


# -- (a) template replies ---------------------------------------------------------------

def template_reply(since: datetime, until: datetime, now: datetime) -> list[Flag]:
    window = timedelta(days=setting("TEMPLATE_REPLY_WINDOW_DAYS"))
    threshold, k = setting("TEMPLATE_REPLY_SIMILARITY"), setting("TEMPLATE_REPLY_MIN_TWINS")
    recent = (ReplyLetter.objects.filter(kind=LetterKind.REPLY, signed_at__gte=since - window,
                                         signed_at__lte=until)
              .select_related("case").only("pk", "org_id", "text", "signed_at", "case_id", "case__number"))
    by_org: dict[int, list[ReplyLetter]] = defaultdict(list)
    for letter in recent:
        by_org[letter.org_id].append(letter)
    flags = []
    for org_id, letters in by_org.items():
        if len(letters) <= k:
            continue
        twins = near_duplicates([lt.text for lt in letters], threshold=threshold, enough=k)
        for i, letter in enumerate(letters):
            if letter.signed_at is None or letter.signed_at < since or len(twins[i]) < k:
                continue
            examples = "、".join(f"{letters[j].case.number}（{s:.2f}）" for j, s in twins[i][:3])
            flags.append(case_flag(
                Rule.TEMPLATE_REPLY, letter.case_id, org_id, f"letter:{letter.pk}",
                f"该答复意见书与本单位近{window.days}日内至少{len(twins[i])}份其他答复高度雷同"
                f"（文本相似度≥{threshold:.2f}，阈值为{k}份），如 {examples}，疑似套用模板答复、未针对诉求办理。",
                {"letter": letter.pk, "twins": [letters[j].case_id for j, _ in twins[i][:20]],
                 "scores": [s for _, s in twins[i][:20]]},
            ))
    return flags


# -- (b) last-minute replies with no recorded work --------------------------------------

def last_minute_reply(since: datetime, until: datetime, now: datetime) -> list[Flag]:
    replies = list(CaseEvent.objects.filter(action="reply", at__gte=since, at__lte=until)
                   .values_list("pk", "case_id", "at", "org_id"))
    if not replies:
        return []
    case_ids = {r[1] for r in replies}
    clocks: dict[int, list[Clock]] = defaultdict(list)
    for c in Clock.objects.filter(case_id__in=case_ids, kind__in=("handle", "simple")).order_by("started_at"):
        clocks[c.case_id].append(c)
    work: dict[int, list[datetime]] = defaultdict(list)
    for cid, at in CaseEvent.objects.filter(case_id__in=case_ids, action__in=WORK_ACTIONS).values_list("case_id", "at"):
        work[cid].append(at)
    fraction = setting("LAST_MINUTE_FRACTION")
    numbers = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "number"))
    flags = []
    for event_id, case_id, at, org_id in replies:
        started = [c for c in clocks[case_id] if c.started_at <= at]
        if not started:
            continue
        clock = started[-1]
        span = clock.due_at - clock.started_at
        late_from = clock.due_at - max(span * fraction, timedelta(days=1))
        if at < late_from or any(clock.started_at <= w <= at for w in work[case_id]):
            continue
        used = (at - clock.started_at) / span if span.total_seconds() > 0 else 1.0
        flags.append(case_flag(
            Rule.LAST_MINUTE_REPLY, case_id, org_id, f"reply:{event_id}",
            f"{numbers.get(case_id, '')}于{_d(clock.started_at)}起算{clock.get_kind_display()}期限，"
            f"期满{_d(clock.due_at)}；{_d(at)}才签发答复（已用去期限的{used:.0%}，处于最后"
            f"{fraction:.0%}或最后一日），其间没有任何调查核实、延期、转交等办理记录。",
            {"clock": clock.pk, "started_at": clock.started_at.isoformat(), "due_at": clock.due_at.isoformat(),
             "replied_at": at.isoformat(), "used": round(used, 3)},
        ))
    return flags


# -- (c) ping-pong transfers ----------------------------------------------------------------

def _moves(case_ids) -> dict[int, list[tuple[datetime, int, int, str]]]:
    """(at, from org, to org, how) of every hand-over, in time order."""
    moves: dict[int, list[tuple[datetime, int, int, str]]] = defaultdict(list)
    for a in Assignment.objects.filter(case_id__in=case_ids, kind__in=SENDING_KINDS):
        moves[a.case_id].append((a.created_at, a.from_org_id, a.to_org_id, a.get_kind_display()))
    for e in CaseEvent.objects.filter(case_id__in=case_ids, action="object"):
        back = (e.payload or {}).get("back_to")
        if e.org_id and back:
            moves[e.case_id].append((e.at, e.org_id, int(back), "异议退回"))
    for m in moves.values():
        m.sort(key=lambda x: x[0])
    return moves


def ping_pong(since: datetime, until: datetime, now: datetime) -> list[Flag]:
    recent = set(Assignment.objects.filter(created_at__gte=since, created_at__lte=until, kind__in=SENDING_KINDS)
                 .values_list("case_id", flat=True))
    recent |= set(CaseEvent.objects.filter(action="object", at__gte=since, at__lte=until)
                  .values_list("case_id", flat=True))
    if not recent:
        return []
    moves = _moves(recent)
    found = []
    for case_id, ms in moves.items():
        for j, (at2, a2, b2, how2) in enumerate(ms):
            if at2 < since:
                continue
            back = next(((at1, how1) for at1, a1, b1, how1 in ms[:j] if a1 == b2 and b1 == a2), None)
            if back is not None:
                found.append((case_id, back, (at2, a2, b2, how2)))
                break
    names = _names([x for _, _, (_, a, b, _) in found for x in (a, b)])
    numbers = dict(Case.objects.filter(pk__in=[f[0] for f in found]).values_list("pk", "number"))
    return [case_flag(
        Rule.PING_PONG, case_id, a2, f"move:{int(at2.timestamp())}:{a2}:{b2}",
        f"{numbers.get(case_id, '')}于{_d(at1)}由{names.get(b2)}{how1}至{names.get(a2)}，"
        f"{_d(at2)}又由{names.get(a2)}{how2}回{names.get(b2)}（A→B→A），"
        "事项在两单位之间来回流转，疑似推诿空转。",
        {"first_at": at1.isoformat(), "back_at": at2.isoformat(), "a": b2, "b": a2},
    ) for case_id, (at1, how1), (at2, a2, b2, how2) in found]


# -- (d) the same matter again within 90 days of a reply ---------------------------------

def _replies_before(case_ids) -> dict[int, list[tuple[datetime, int, int]]]:
    out: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
    for pk, cid, at, org in (ReplyLetter.objects.filter(case_id__in=case_ids, kind=LetterKind.REPLY,
                                                        signed_at__isnull=False)
                             .values_list("pk", "case_id", "signed_at", "org_id")):
        if at is not None:
            out[cid].append((at, org, pk))
    return out


def _latest_reply_within(replies, at: datetime, days: int):
    inside = [r for r in replies if r[0] <= at and at - r[0] <= timedelta(days=days)]
    return max(inside, default=None)


def repeat_after_reply(since: datetime, until: datetime, now: datetime) -> list[Flag]:
    subs = Submission.objects.filter(is_repeat=True, received_at__gte=since, received_at__lte=until)
    links = CaseLink.objects.filter(case__registered_at__gte=since, case__registered_at__lte=until)
    return repeats_after_reply(subs, links)


def repeats_after_reply(subs, links) -> list[Flag]:
    """Rule (d) over given repeat submissions and repeat links (querysets): the
    sweep passes a period, the submission hook just the new rows."""
    days = setting("REPEAT_AFTER_REPLY_DAYS")
    threshold = setting("SIMILARITY_THRESHOLD")
    sub_rows = list(subs.filter(is_repeat=True).values_list("pk", "case_id", "received_at"))
    link_rows = list(links.filter(Q(state=LinkState.CONFIRMED)
                                  | Q(state=LinkState.OFFERED, same_petitioner=True, score__gte=threshold))
                     .values_list("case_id", "earlier_id", "case__registered_at", "case__number", "state"))
    replies = _replies_before({s[1] for s in sub_rows} | {lk[1] for lk in link_rows})
    numbers = dict(Case.objects.filter(pk__in=replies.keys()).values_list("pk", "number"))
    flags = []
    for sub_id, case_id, at in sub_rows:
        hit = _latest_reply_within(replies[case_id], at, days)
        if hit:
            flags.append(case_flag(
                Rule.REPEAT_AFTER_REPLY, case_id, hit[1], f"sub:{sub_id}",
                f"{numbers.get(case_id, '')}于{_d(hit[0])}答复后，第{(at - hit[0]).days}日（{_d(at)}）"
                f"信访人就同一事项再次信访（{days}日内），答复未能化解问题。",
                {"submission": sub_id, "reply_letter": hit[2], "days_after": (at - hit[0]).days},
            ))
    for case_id, earlier_id, at, number, state in link_rows:
        hit = _latest_reply_within(replies[earlier_id], at, days)
        if hit:
            how = "经确认为同一事项" if state == LinkState.CONFIRMED else "同一信访人、内容高度相似"
            flags.append(case_flag(
                Rule.REPEAT_AFTER_REPLY, earlier_id, hit[1], f"case:{case_id}",
                f"{numbers.get(earlier_id, '')}于{_d(hit[0])}答复后，第{(at - hit[0]).days}日（{_d(at)}）"
                f"又登记了新事项 {number}（{how}），{days}日内重复信访，答复未能化解问题。",
                {"later_case": case_id, "reply_letter": hit[2], "days_after": (at - hit[0]).days},
            ))
    return flags


# -- (e) dissatisfied, then closed with nothing changed ------------------------------------

def dissatisfied_unchanged(since: datetime, until: datetime, now: datetime) -> list[Flag]:
    closes = list(CaseEvent.objects.filter(action="close", at__gte=since, at__lte=until)
                  .values_list("pk", "case_id", "at"))
    case_ids = {c[1] for c in closes}
    unhappy: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for cid, at, org in Evaluation.objects.filter(case_id__in=case_ids, rating=Rating.DISSATISFIED).values_list(
            "case_id", "at", "org_id"):
        unhappy[cid].append((at, org))
    work: dict[int, list[datetime]] = defaultdict(list)
    for cid, at in CaseEvent.objects.filter(case_id__in=unhappy.keys(), action__in=FOLLOW_UP_ACTIONS).values_list(
            "case_id", "at"):
        work[cid].append(at)
    numbers = dict(Case.objects.filter(pk__in=unhappy.keys()).values_list("pk", "number"))
    flags = []
    for event_id, case_id, closed_at in closes:
        before = [u for u in unhappy.get(case_id, []) if u[0] <= closed_at]
        if not before:
            continue
        rated_at, org_id = max(before)
        if any(rated_at < w <= closed_at for w in work[case_id]):
            continue
        flags.append(case_flag(
            Rule.DISSATISFIED_UNCHANGED, case_id, org_id, f"close:{event_id}",
            f"{numbers.get(case_id, '')}信访人于{_d(rated_at)}评价“不满意”，{_d(closed_at)}归档办结，"
            "其间没有重新办理、补充答复或任何办理记录，问题未见改变。",
            {"dissatisfied_at": rated_at.isoformat(), "closed_at": closed_at.isoformat()},
        ))
    flags += _review_upheld_unchanged(since, until)
    return flags


def _review_upheld_unchanged(since: datetime, until: datetime) -> list[Flag]:
    threshold = setting("UNCHANGED_REVIEW_SIMILARITY")
    reviews = list(ReplyLetter.objects.filter(kind=LetterKind.REVIEW, outcome=ReviewOutcome.UPHOLD,
                                              signed_at__gte=since, signed_at__lte=until)
                   .select_related("case"))
    originals: dict[int, ReplyLetter] = {}
    for letter in ReplyLetter.objects.filter(case_id__in={r.case_id for r in reviews}, kind=LetterKind.REPLY,
                                             signed_at__isnull=False).order_by("signed_at"):
        originals[letter.case_id] = letter
    flags = []
    for review in reviews:
        original = originals.get(review.case_id)
        if original is None or review.signed_at is None:
            continue
        score = text_similarity(review.text, original.text)
        if score < threshold:
            continue
        flags.append(case_flag(
            Rule.DISSATISFIED_UNCHANGED, review.case_id, review.org_id, f"review:{review.pk}",
            f"{review.case.number}信访人不服答复申请复查，复查意见（{_d(review.signed_at)}）维持原意见，"
            f"且与原答复文本相似度达{score:.2f}（阈值{threshold:.2f}），未见重新调查核实。",
            {"review_letter": review.pk, "reply_letter": original.pk, "similarity": round(score, 3)},
        ))
    return flags


# -- (f) evaluations mostly entered by staff (代评) -------------------------------------------

def proxy_evaluations(since: datetime, until: datetime, now: datetime) -> list[Flag]:
    days = setting("PROXY_EVALUATION_WINDOW_DAYS")
    start = until - timedelta(days=days)
    ratio, minimum = setting("PROXY_EVALUATION_RATIO"), setting("PROXY_EVALUATION_MIN_COUNT")
    rows = (Evaluation.objects.filter(at__gt=start, at__lte=until).values("org_id")
            .annotate(total=Count("pk"), proxy=Count("pk", filter=Q(source=EvaluationSource.PROXY)))
            .filter(total__gte=minimum))
    period = f"{timezone.localtime(until):%Y-%m}"
    flags = []
    for row in rows:
        share = row["proxy"] / row["total"]
        if share < ratio:
            continue
        flags.append(Flag(
            rule=Rule.PROXY_EVALUATIONS, case=None, org_id=row["org_id"], period=period, key=period,
            explanation=f"{_d(start)}至{_d(until)}，对本单位的{row['total']}条评价中有{row['proxy']}条由工作人员"
                        f"代为录入（代评），占{share:.0%}，超过{ratio:.0%}（最少{minimum}条起算），"
                        "满意率可能不能反映群众真实评价。",
            details={"total": row["total"], "proxy": row["proxy"], "share": round(share, 3),
                     "from": start.isoformat(), "to": until.isoformat()},
        ))
    return flags


IDLE_SPIN = {
    Rule.TEMPLATE_REPLY: template_reply,
    Rule.LAST_MINUTE_REPLY: last_minute_reply,
    Rule.PING_PONG: ping_pong,
    Rule.REPEAT_AFTER_REPLY: repeat_after_reply,
    Rule.DISSATISFIED_UNCHANGED: dissatisfied_unchanged,
    Rule.PROXY_EVALUATIONS: proxy_evaluations,
}

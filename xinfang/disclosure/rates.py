"""三率 (DESIGN §8), as published each month: pure-ish functions of a queryset
of cases, a period, optionally the org ids to count for, and `now`.

- 及时受理率 = accepted within the limit ÷ all due for a decision in the period
  (受理告知 clocks: met ÷ met + missed + overdue still running).
- 按期办结率 = replied by the due date ÷ (on time + late + overdue still open)
  (办理 and 简易办理 clocks).
- 群众满意率 = (满意 + 基本满意) ÷ evaluated.
- 参评率 = evaluated ÷ (evaluated + evaluation window expired unrated).

Which period a clock belongs to: the one its deadline (due_at, extensions
included) falls in. Each clock is then counted exactly once, and a month's
figures stop changing once the month is over: an overdue clock still running
can only end late, which counts the same. Evaluations count in the month they
were given. A clock or evaluation after `now` does not exist yet, so figures
can be recomputed as they stood on any day.

Two-way evaluation: a handling org is answerable for the case's clocks and the
petitioner's rating of it (`target="handler"`); the petition bureau that
registered the case for the rating of its own service (`target="bureau"`).
The handling org of a case is the org that signed its reply letter, else the
org holding it now.

The counting choices (clock kinds, evaluation sources, what counts as
satisfied) are parameters with the national defaults below; `Formula` says in
words what was computed, and the page prints it beside every figure.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import BigIntegerField, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from xinfang.cases.models import Case
from xinfang.cases.models_procedure import (
    Evaluation,
    EvaluationSource,
    EvaluationTarget,
    LetterKind,
    Rating,
    ReplyLetter,
)
from xinfang.rules.calendar import LOCAL_TZ
from xinfang.rules.kinds import OPEN_STATES, ClockKind, ClockState
from xinfang.rules.models import Clock

ACCEPT_KINDS = (ClockKind.ACCEPT,)
REPLY_KINDS = (ClockKind.HANDLE, ClockKind.SIMPLE)
# The petitioner's own rating, typed in by themselves or recorded for them; the
# first one found wins when a case has both. Third-party call-backs are a
# separate check, not the masses' rating.
PETITIONER_SOURCES = (EvaluationSource.SELF, EvaluationSource.PROXY)
SATISFIED = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
# An org enters the ranking only with this many cases counted in the month:
# one late case out of two says nothing about an org.
MIN_VOLUME: int = getattr(settings, "DISCLOSURE_MIN_VOLUME", 5)

# What a clock or an evaluation window amounts to, as of `now`.
MET, LATE, OVERDUE, PENDING, VOID = "met", "late", "overdue", "pending", "void"
EVALUATED, EXPIRED = "evaluated", "expired"


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive
    label: str

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        """A calendar month in Beijing time."""
        start = datetime(year, month, 1, tzinfo=LOCAL_TZ)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=LOCAL_TZ)
        return cls(start, end, f"{year}年{month}月")

    @classmethod
    def parse_month(cls, text: str) -> "Period":
        """'2026-09' → September 2026. ValueError with a Chinese message otherwise."""
        try:
            year, month = (int(x) for x in text.strip().split("-"))
            if not (2000 <= year <= 2100 and 1 <= month <= 12):
                raise ValueError
        except ValueError:
            raise ValueError(f"月份“{text}”格式不正确，应为“年-月”，如 2026-09") from None
        return cls.month(year, month)

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    def shifted(self, months: int) -> "Period":
        index = self.start.year * 12 + self.start.month - 1 + months
        return Period.month(index // 12, index % 12 + 1)


class Rate(NamedTuple):
    numerator: int
    denominator: int
    rate: float | None  # None when nothing was due: no figure, rather than 0% or 100%

    @classmethod
    def of(cls, numerator: int, denominator: int) -> "Rate":
        return cls(numerator, denominator, numerator / denominator if denominator else None)

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass(frozen=True)
class Formula:
    name: str
    numerator: str
    denominator: str
    basis: str  # which items the period holds

    @property
    def text(self) -> str:
        return f"{self.name} = {self.numerator} ÷ {self.denominator}"

    def explain(self, rate: Rate) -> str:
        """The figure with its arithmetic: '及时受理率 = 3 ÷ 4 = 75.0%'."""
        if rate.rate is None:
            return f"{self.name}：本期没有应统计的事项"
        return f"{self.name} = {rate.numerator} ÷ {rate.denominator} = {rate.percent}"


TIMELY_ACCEPTANCE = Formula("及时受理率", "按期受理告知数", "应受理告知数（按期 + 超期 + 逾期未告知）",
                            "受理告知期限在本期届满的事项")
ON_TIME_REPLY = Formula("按期办结率", "按期办结数", "应办结数（按期办结 + 超期办结 + 逾期未办结）",
                        "办理期限（含简易办理、已批准延期）在本期届满的事项")
SATISFACTION = Formula("群众满意率", "（满意 + 基本满意）数", "参评数", "本期信访人作出的评价，每件事项计一次")
PARTICIPATION = Formula("参评率", "参评数", "（参评数 + 评价期满未评价数）", "评价期限在本期届满的事项")
FORMULAS = {"timely_acceptance": TIMELY_ACCEPTANCE, "on_time_reply": ON_TIME_REPLY,
            "satisfaction": SATISFACTION, "participation": PARTICIPATION}


# -- classification: pure functions of one row -------------------------------------

def deadline_outcome(state: str, due_at: datetime, stopped_at: datetime | None, now: datetime) -> str:
    """met / late / overdue (open past its deadline) / pending (open, not yet due) / void (cancelled)."""
    if stopped_at is None or stopped_at > now:
        state = ClockState.RUNNING  # as it stood at `now`
    if state == ClockState.MET:
        return MET
    if state == ClockState.MISSED:
        return LATE
    if state in OPEN_STATES:
        return OVERDUE if due_at < now else PENDING
    return VOID


def window_outcome(state: str, due_at: datetime, stopped_at: datetime | None, rated: bool, now: datetime) -> str:
    """An evaluation window: evaluated, expired unrated, pending, or void when it
    was closed early (the petitioner asked for a review instead of rating)."""
    if rated:
        return EVALUATED
    closed_early = (state == ClockState.CANCELLED and stopped_at is not None and stopped_at <= now
                    and stopped_at <= due_at)
    if closed_early:
        return VOID
    return EXPIRED if due_at < now else PENDING


def tally(outcomes: Iterable[str], good: Iterable[str], counted: Iterable[str]) -> Rate:
    good, counted = set(good), set(counted)
    items = list(outcomes)
    return Rate.of(sum(o in good for o in items), sum(o in counted for o in items))


# -- reading the rows ---------------------------------------------------------------

class Row(NamedTuple):
    org_id: int
    case_id: int
    outcome: str


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _handling_org():
    """The case's handling org, seen from a Clock row."""
    signed = (ReplyLetter.objects.filter(case_id=OuterRef("case_id"), kind=LetterKind.REPLY, signed_at__isnull=False)
              .order_by("-signed_at", "-id").values("org_id")[:1])
    return Coalesce(Subquery(signed), F("case__current_org_id"), output_field=BigIntegerField())


def _org_of(target: str):
    return F("case__registered_org_id") if target == EvaluationTarget.BUREAU else _handling_org()


def _clocks(cases: QuerySet[Case], kinds: Iterable[str], period: Period, now: datetime):
    return Clock.objects.filter(case__in=cases, kind__in=list(kinds), due_at__gte=period.start,
                                due_at__lt=period.end, started_at__lte=now)


def deadline_rows(cases: QuerySet[Case], kinds: Iterable[str], period: Period, now: datetime) -> list[Row]:
    rows = _clocks(cases, kinds, period, now).annotate(org=_handling_org()).values_list(
        "org", "case_id", "state", "due_at", "stopped_at")
    return [Row(org, case, deadline_outcome(state, due, stopped, now)) for org, case, state, due, stopped in rows]


def evaluation_rows(cases: QuerySet[Case], period: Period, now: datetime, *, target: str = EvaluationTarget.HANDLER,
                    sources: Iterable[str] = PETITIONER_SOURCES) -> list[Row]:
    """One rating per case and rated org (the outcome is the rating), by source preference."""
    sources = list(sources)
    found = Evaluation.objects.filter(
        case__in=cases, target=target, source__in=sources, at__gte=period.start, at__lt=period.end, at__lte=now,
    ).values_list("org_id", "case_id", "source", "rating")
    best: dict[tuple[int, int], tuple[int, str]] = {}
    for org, case, source, rating in found:
        rank = sources.index(source)
        if (org, case) not in best or rank < best[(org, case)][0]:
            best[(org, case)] = (rank, rating)
    return [Row(org, case, rating) for (org, case), (_, rating) in sorted(best.items())]


def window_rows(cases: QuerySet[Case], period: Period, now: datetime, *, target: str = EvaluationTarget.HANDLER,
                sources: Iterable[str] = PETITIONER_SOURCES) -> list[Row]:
    rated = Exists(Evaluation.objects.filter(case_id=OuterRef("case_id"), target=target, source__in=list(sources),
                                             at__lte=now))
    rows = _clocks(cases, (ClockKind.EVALUATE,), period, now).annotate(org=_org_of(target), rated=rated).values_list(
        "org", "case_id", "state", "due_at", "stopped_at", "rated")
    return [Row(org, case, window_outcome(state, due, stopped, rated, now))
            for org, case, state, due, stopped, rated in rows]


def _mine(rows: list[Row], org_ids: Iterable[int] | None) -> list[str]:
    if org_ids is None:
        return [r.outcome for r in rows]
    wanted = set(org_ids)
    return [r.outcome for r in rows if r.org_id in wanted]


# -- the four rates -----------------------------------------------------------------

def timely_acceptance(cases: QuerySet[Case], period: Period, *, org_ids: Iterable[int] | None = None,
                      now: datetime | None = None, kinds: Iterable[str] = ACCEPT_KINDS) -> Rate:
    """受理告知 given in time ÷ all whose limit fell due in the period."""
    rows = deadline_rows(cases, kinds, period, _now(now))
    return tally(_mine(rows, org_ids), {MET}, {MET, LATE, OVERDUE})


def on_time_reply(cases: QuerySet[Case], period: Period, *, org_ids: Iterable[int] | None = None,
                  now: datetime | None = None, kinds: Iterable[str] = REPLY_KINDS) -> Rate:
    """Replied by the due date ÷ (on time + late + overdue still open)."""
    rows = deadline_rows(cases, kinds, period, _now(now))
    return tally(_mine(rows, org_ids), {MET}, {MET, LATE, OVERDUE})


def satisfaction(cases: QuerySet[Case], period: Period, *, org_ids: Iterable[int] | None = None,
                 now: datetime | None = None, target: str = EvaluationTarget.HANDLER,
                 sources: Iterable[str] = PETITIONER_SOURCES, satisfied: Iterable[str] = SATISFIED) -> Rate:
    """(满意 + 基本满意) ÷ evaluated."""
    rows = evaluation_rows(cases, period, _now(now), target=target, sources=sources)
    outcomes = _mine(rows, org_ids)
    return tally(outcomes, satisfied, outcomes)


def participation(cases: QuerySet[Case], period: Period, *, org_ids: Iterable[int] | None = None,
                  now: datetime | None = None, target: str = EvaluationTarget.HANDLER,
                  sources: Iterable[str] = PETITIONER_SOURCES) -> Rate:
    """Evaluated ÷ (evaluated + window expired unrated)."""
    rows = window_rows(cases, period, _now(now), target=target, sources=sources)
    return tally(_mine(rows, org_ids), {EVALUATED}, {EVALUATED, EXPIRED})


# -- every org at once, for the published table -----------------------------------

@dataclass(frozen=True)
class OrgRates:
    org_id: int
    timely_acceptance: Rate | None
    on_time_reply: Rate | None
    satisfaction: Rate
    participation: Rate
    volume: int  # distinct cases counted in any of the org's denominators

    def sort_key(self, rate_name: str) -> tuple:
        rate = getattr(self, rate_name) or Rate.of(0, 0)
        return (rate.rate is None, -(rate.rate or 0), -rate.denominator, self.org_id)


def _group(rows: list[Row], counted: set[str]) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        if r.outcome in counted:
            grouped[r.org_id].append(r)
    return grouped


def rates_by_org(cases: QuerySet[Case], period: Period, *, now: datetime | None = None,
                 target: str = EvaluationTarget.HANDLER) -> list[OrgRates]:
    """The four rates for every org with anything counted in the period. With
    target="bureau", only the two evaluation rates (the clocks belong to the
    handling orgs)."""
    now = _now(now)
    deadlines = {MET, LATE, OVERDUE}
    parts: dict[str, tuple[dict[int, list[Row]], set[str]]] = {}
    if target == EvaluationTarget.HANDLER:
        parts["timely_acceptance"] = (_group(deadline_rows(cases, ACCEPT_KINDS, period, now), deadlines), {MET})
        parts["on_time_reply"] = (_group(deadline_rows(cases, REPLY_KINDS, period, now), deadlines), {MET})
    evaluations = evaluation_rows(cases, period, now, target=target)
    parts["satisfaction"] = (_group(evaluations, {r.outcome for r in evaluations}), set(SATISFIED))
    parts["participation"] = (_group(window_rows(cases, period, now, target=target), {EVALUATED, EXPIRED}),
                              {EVALUATED})
    org_ids = sorted({org for grouped, _ in parts.values() for org in grouped})
    out = []
    for org in org_ids:
        rates: dict[str, Rate | None] = {"timely_acceptance": None, "on_time_reply": None}
        case_ids: set[int] = set()
        for name, (grouped, good) in parts.items():
            rows = grouped.get(org, [])
            rates[name] = tally((r.outcome for r in rows), good, (r.outcome for r in rows))
            case_ids.update(r.case_id for r in rows)
        out.append(OrgRates(org_id=org, volume=len(case_ids), **rates))  # type: ignore[arg-type]
    return out


def ranking(rows: list[OrgRates], by: str = "satisfaction",
            min_volume: int = MIN_VOLUME) -> tuple[list[OrgRates], list[OrgRates]]:
    """(ranked, too few cases to rank): the ranked ones best first by `by`."""
    ranked = sorted((r for r in rows if r.volume >= min_volume), key=lambda r: r.sort_key(by))
    return ranked, [r for r in rows if r.volume < min_volume]

"""三率 for assessment: every org (or every region) at once, for any period,
for the petition bureau and for the handling org separately, as set-based SQL.

The counting rules are those of `xinfang.disclosure.rates` (DESIGN §8) — the
same clock kinds, evaluation sources, "satisfied" ratings and the same reading
of a clock as it stood at `now` — written here as SQL conditions so that a
year of a whole city is a handful of GROUP BY queries instead of a Python loop
over a million rows. `tests/assessment/test_rates_table.py` checks both
implementations against the same hand-computed table.

Each figure is `numerator ÷ denominator` over *items*: a clock (受理告知, 办理,
评价 window) or an evaluation. Every item belongs to one org:

- handler version: the handling org = the org that signed the case's latest
  答复意见书, else the org holding the case now (as in disclosure.rates);
  satisfaction belongs to the org the petitioner rated;
- bureau version: the petition bureau that registered the case. Its 及时受理率
  counts its own 处理 clocks (register → forward / assign / accept within 15
  days), its 按期办结率 the replies to the cases it registered (it answers for
  what it sent on), and its two evaluation rates the petitioners' rating of
  the bureau itself.

The clock kinds and evaluation sources are configurable through
settings.ASSESSMENT_RATES, e.g. {"bureau.timely_acceptance": {"kinds": ["dispose"]}}.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Substr, TruncMonth

from xinfang.cases.models import Case
from xinfang.cases.models_procedure import Evaluation, EvaluationTarget, LetterKind, ReplyLetter
from xinfang.disclosure import rates as base
from xinfang.disclosure.rates import Formula, Period, Rate
from xinfang.rules.calendar import LOCAL_TZ
from xinfang.rules.kinds import OPEN_STATES, ClockKind, ClockState
from xinfang.rules.models import Clock

RATE_KEYS = ("timely_acceptance", "on_time_reply", "satisfaction", "participation")
TARGETS = (EvaluationTarget.BUREAU, EvaluationTarget.HANDLER)
Part = Literal["numerator", "denominator"]

BUREAU_FORMULAS = {
    "timely_acceptance": Formula("及时受理率", "按期处理数（登记后按期受理、转送或交办）", "应处理数（按期 + 超期 + 逾期未处理）",
                                 "信访部门处理期限在本期届满的事项"),
    "on_time_reply": Formula("按期办结率", "本部门登记事项按期办结数", "应办结数（按期办结 + 超期办结 + 逾期未办结）",
                             "本部门登记、办理期限在本期届满的事项"),
    "satisfaction": Formula("群众满意率", "对信访部门（满意 + 基本满意）数", "对信访部门参评数",
                            "本期信访人对信访部门作出的评价，每件事项计一次"),
    "participation": Formula("参评率", "对信访部门参评数", "（参评数 + 评价期满未评价数）",
                             "本部门登记、评价期限在本期届满的事项"),
}


@dataclass(frozen=True)
class RateSpec:
    """How one rate is counted for one target."""

    key: str
    target: str
    formula: Formula
    kinds: tuple[str, ...] = ()  # clock kinds (deadline rates and the evaluation window)
    sources: tuple[str, ...] = tuple(base.PETITIONER_SOURCES)  # evaluation sources, preferred first
    satisfied: tuple[str, ...] = tuple(base.SATISFIED)

    @property
    def is_deadline(self) -> bool:
        return self.key in ("timely_acceptance", "on_time_reply")


def _default_specs() -> dict[tuple[str, str], RateSpec]:
    H, B = EvaluationTarget.HANDLER, EvaluationTarget.BUREAU
    window = (ClockKind.EVALUATE,)
    return {
        (H, "timely_acceptance"): RateSpec("timely_acceptance", H, base.TIMELY_ACCEPTANCE, tuple(base.ACCEPT_KINDS)),
        (H, "on_time_reply"): RateSpec("on_time_reply", H, base.ON_TIME_REPLY, tuple(base.REPLY_KINDS)),
        (H, "satisfaction"): RateSpec("satisfaction", H, base.SATISFACTION),
        (H, "participation"): RateSpec("participation", H, base.PARTICIPATION, window),
        (B, "timely_acceptance"): RateSpec("timely_acceptance", B, BUREAU_FORMULAS["timely_acceptance"],
                                           (ClockKind.DISPOSE,)),
        (B, "on_time_reply"): RateSpec("on_time_reply", B, BUREAU_FORMULAS["on_time_reply"], tuple(base.REPLY_KINDS)),
        (B, "satisfaction"): RateSpec("satisfaction", B, BUREAU_FORMULAS["satisfaction"]),
        (B, "participation"): RateSpec("participation", B, BUREAU_FORMULAS["participation"], window),
    }


def spec(target: str, key: str) -> RateSpec:
    found = _default_specs()[(target, key)]
    override = getattr(settings, "ASSESSMENT_RATES", {}).get(f"{target}.{key}", {})
    return replace(found, kinds=tuple(override.get("kinds", found.kinds)),
                   sources=tuple(override.get("sources", found.sources)),
                   satisfied=tuple(override.get("satisfied", found.satisfied)))


# -- what a clock amounts to at `now`, as SQL (mirrors base.deadline_outcome) ------

def _stopped_by(now: datetime) -> Q:
    return Q(stopped_at__isnull=False, stopped_at__lte=now)


def _open_at(now: datetime) -> Q:
    # A clock stopped after `now` was still running then.
    return Q(state__in=OPEN_STATES) | Q(stopped_at__isnull=True) | Q(stopped_at__gt=now)


def deadline_buckets(now: datetime) -> dict[str, Q]:
    met = Q(state=ClockState.MET) & _stopped_by(now)
    late = Q(state=ClockState.MISSED) & _stopped_by(now)
    overdue = _open_at(now) & Q(due_at__lt=now)
    return {"numerator": met, "denominator": met | late | overdue, "met": met, "late": late, "overdue": overdue}


def window_void(now: datetime) -> Q:
    """Closed early (a review request instead of a rating): not counted. Mirrors base.window_outcome."""
    return Q(state=ClockState.CANCELLED) & _stopped_by(now) & Q(stopped_at__lte=F("due_at"))


# -- the items behind each figure ------------------------------------------------

def _with_handling_org(items: QuerySet) -> QuerySet:
    """Items of a case (clocks) with `owner_org` = the handling org: the org that signed
    the case's latest 答复意见书, else the org holding the case. One LEFT JOIN
    on the signed reply letters; the NOT EXISTS (an anti-join) keeps only the
    latest one, and keeps the rows of cases without any, whose join is NULL."""
    signed = Q(case__letters__kind=LetterKind.REPLY, case__letters__signed_at__isnull=False)
    later = ReplyLetter.objects.filter(case_id=OuterRef("signed__case_id"), kind=LetterKind.REPLY,
                                       signed_at__isnull=False).filter(
        Q(signed_at__gt=OuterRef("signed__signed_at"))
        | Q(signed_at=OuterRef("signed__signed_at"), id__gt=OuterRef("signed__id")))
    return (items.annotate(signed=FilteredRelation("case__letters", condition=signed))
            .filter(~Q(Exists(later)))
            .annotate(owner_org=Coalesce(F("signed__org_id"), F("case__current_org_id"))))


def _rated(s: RateSpec, now: datetime) -> Exists:
    return Exists(Evaluation.objects.filter(case_id=OuterRef("case_id"), target=s.target, source__in=s.sources,
                                            at__lte=now))


def _clock_items(s: RateSpec, cases: "Scope", period: Period, now: datetime) -> QuerySet[Clock]:
    return cases.apply(Clock.objects.filter(kind__in=s.kinds, due_at__gte=period.start, due_at__lt=period.end,
                                            started_at__lte=now))


def _evaluation_items(s: RateSpec, cases: "Scope", period: Period, now: datetime) -> QuerySet[Evaluation]:
    """One rating per case and rated org: an evaluation counts unless a preferred
    source rated the same org for the same case in the period."""
    found = cases.apply(Evaluation.objects.filter(target=s.target, source__in=s.sources, at__gte=period.start,
                                                  at__lt=period.end, at__lte=now))
    chosen = Q()
    for rank, source in enumerate(s.sources):
        better = Evaluation.objects.filter(case_id=OuterRef("case_id"), org_id=OuterRef("org_id"), target=s.target,
                                           source__in=s.sources[:rank], at__gte=period.start, at__lt=period.end,
                                           at__lte=now)
        chosen |= Q(source=source) & ~Q(Exists(better)) if rank else Q(source=source)
    return found.filter(chosen)


@dataclass(frozen=True)
class Measure:
    """The items of one rate, each annotated with its `owner_org`, and what each part
    of the rate asks of them.

    `parts` are the numerator and denominator as conditions (for drill-downs);
    `segments` say the same as disjoint (filter, numerator) pairs for counting,
    with every EXISTS in the WHERE clause, where PostgreSQL plans it as a semi-
    or anti-join instead of a subquery per row. A numerator of None counts no
    item of that segment."""

    items: QuerySet
    parts: dict[str, Q]
    segments: list[tuple[Q, Q | None]]
    when: str = "due_at"  # the time that puts an item in a period


def _owned(items: QuerySet, target: str) -> QuerySet:
    if target == EvaluationTarget.BUREAU:
        return items.annotate(owner_org=F("case__registered_org_id"))
    return _with_handling_org(items)


def measure(s: RateSpec, cases: "Scope", period: Period, now: datetime) -> Measure:
    if s.key == "satisfaction":
        satisfied = Q(rating__in=s.satisfied)
        return Measure(_evaluation_items(s, cases, period, now).annotate(owner_org=F("org_id")),
                       {"numerator": satisfied, "denominator": Q()}, [(Q(), satisfied)], when="at")
    items = _owned(_clock_items(s, cases, period, now), s.target)
    if s.is_deadline:
        b = deadline_buckets(now)
        return Measure(items, {"numerator": b["met"], "denominator": b["denominator"]},
                       [(b["denominator"], b["met"])])
    rated = Q(_rated(s, now))
    expired = ~rated & ~window_void(now) & Q(due_at__lt=now)
    return Measure(items, {"numerator": rated, "denominator": rated | expired}, [(rated, Q()), (expired, None)])


# -- scopes: which cases count ---------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """The cases a figure may draw on: a region subtree (code range) and, when
    the viewer does not see that whole subtree, only the cases visible to them."""

    region_code: str | None = None
    visible: QuerySet[Case] | None = None  # None: every case in the region range
    exclude_merged: bool = True

    def case_q(self, prefix: str = "case__") -> Q:
        q = Q()
        if self.region_code:
            q &= Q(**{f"{prefix}issue_region_id__gte": self.region_code,
                      f"{prefix}issue_region_id__lt": self.region_code + "\uffff"})
        if self.exclude_merged:
            q &= ~Q(**{f"{prefix}status": "merged"})
        if self.visible is not None:
            q &= Q(**{f"{prefix}in" if prefix else "pk__in": self.visible.values("pk")})
        return q

    def apply(self, qs: QuerySet) -> QuerySet:
        return qs.filter(self.case_q())


# -- aggregation ------------------------------------------------------------------

GroupBy = Literal["org", "region", "total", "month_org_region"]


def _count(m: Measure, group_by: GroupBy, region_len: int, names: dict[str, tuple[Q, Q]] | None = None
           ) -> dict[object, dict[str, int]]:
    """Run the measure's GROUP BY queries (one per segment) and add them up per
    group. `names` counts several rates over the same items at once:
    {name: (which items are its own, a further condition on its numerator)}."""
    names = names or {"": (Q(), Q())}
    totals: dict[object, dict[str, int]] = {}
    for seg_filter, seg_numerator in m.segments:
        aggregates = {}
        for name, (mine, further) in names.items():
            # An empty Q() is falsy: the aggregate then counts every row.
            aggregates[f"{name}d"] = Count("pk", filter=mine)
            if seg_numerator is not None:
                aggregates[f"{name}n"] = Count("pk", filter=seg_numerator & further & mine)
        qs = m.items.filter(seg_filter)
        if group_by == "total":
            rows = [{"grp": "total"} | qs.aggregate(**aggregates)]
        elif group_by == "month_org_region":
            # For the monthly tallies: (month, org, county-level region) in one pass.
            month = TruncMonth(m.when, tzinfo=LOCAL_TZ)
            rows = [{"grp": (r["m"], r["o"], r["r"])} | r for r in qs.annotate(
                m=month, o=F("owner_org"), r=Substr("case__issue_region_id", 1, 6)).values("m", "o", "r")
                .annotate(**aggregates).order_by()]
        else:
            key = F("owner_org") if group_by == "org" else Substr("case__issue_region_id", 1, region_len)
            rows = list(qs.annotate(grp=key).values("grp").annotate(**aggregates).order_by())
        for row in rows:
            acc = totals.setdefault(row["grp"], {})
            for name in aggregates:
                acc[name] = acc.get(name, 0) + row[name]
    return totals


def _rates(found: dict[object, dict[str, int]], name: str = "", keep_empty: bool = False) -> dict[object, Rate]:
    out = {}
    for group, values in found.items():
        rate = Rate.of(values.get(f"{name}n", 0), values.get(f"{name}d", 0))
        if rate.denominator or keep_empty:
            out[group] = rate
    return out


@contextmanager
def analytic_session() -> Iterator[None]:
    """On PostgreSQL, run the aggregates with JIT compilation off: these are
    sub-second hash joins whose plans cost enough to trigger JIT, and compiling
    them takes longer than running them."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def counts(s: RateSpec, cases: Scope, period: Period, now: datetime, *, group_by: GroupBy = "org",
           region_len: int = 6) -> dict[object, Rate]:
    """{org id (or region code prefix, or "total"): Rate} for one rate."""
    with analytic_session():
        return _rates(_count(measure(s, cases, period, now), group_by, region_len), keep_empty=group_by == "total")


def counts_all(target: str, cases: Scope, period: Period, now: datetime, *, group_by: GroupBy = "org",
               region_len: int = 6) -> dict[str, dict[object, Rate]]:
    """The four rates of one target: {rate key: {group: Rate}}. Both deadline rates
    come from one pass over the clocks (their kinds told apart in the counts)."""
    specs = {key: spec(target, key) for key in RATE_KEYS}
    deadline = [k for k in RATE_KEYS if specs[k].is_deadline]
    kinds = tuple(dict.fromkeys(kind for k in deadline for kind in specs[k].kinds))
    both = measure(replace(specs[deadline[0]], kinds=kinds), cases, period, now)
    names = {f"{k}.": (Q(kind__in=specs[k].kinds), Q()) for k in deadline}
    with analytic_session():
        found = _count(both, group_by, region_len, names)
        out = {k: _rates(found, f"{k}.") for k in deadline}
        for key in RATE_KEYS:
            if key not in out:
                out[key] = _rates(_count(measure(specs[key], cases, period, now), group_by, region_len))
    return out


def _org_candidates(s: RateSpec, org_id: int, period: Period) -> Q:
    """A necessary condition for an item to be the org's that an index answers,
    so a drill-down reads one org's items, not the whole period's (the exact
    owner is then checked on what is left). For the handling org the candidate
    cases are fetched first: those it holds or whose reply it signed."""
    if s.key == "satisfaction":
        return Q(org_id=org_id)
    if s.target == EvaluationTarget.BUREAU:
        return Q(case__registered_org_id=org_id)
    signed = ReplyLetter.objects.filter(org_id=org_id, kind=LetterKind.REPLY, signed_at__isnull=False)
    candidates = Case.objects.filter(Q(current_org_id=org_id) | Q(pk__in=signed.values("case_id")),
                                     registered_at__lt=period.end)
    return Q(case_id__in=list(candidates.values_list("pk", flat=True)))


def drill_down(s: RateSpec, cases: Scope, period: Period, now: datetime, part: Part, *,
               org_id: int | None = None, region_prefix: str | None = None, region_len: int = 6) -> QuerySet:
    """The items (clocks or evaluations) behind one numerator or denominator,
    each with its case; exactly what `counts` counted for that org/region."""
    m = measure(s, cases, period, now)
    qs = m.items.filter(m.parts["denominator"]).filter(m.parts[part])
    if org_id is not None:
        qs = qs.filter(_org_candidates(s, org_id, period), owner_org=org_id)
    if region_prefix and len(region_prefix) < region_len:
        qs = qs.filter(case__issue_region_id=region_prefix)  # the "本级" row: the region itself
    elif region_prefix:
        qs = qs.filter(case__issue_region_id__startswith=region_prefix)
    return qs.select_related("case").order_by(m.when, "pk")

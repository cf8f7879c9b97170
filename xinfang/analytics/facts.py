"""What each case contributes to the rollups, derived set-wise for a batch of
case ids. The same function serves the incremental fold and the full rebuild,
so the two cannot disagree about what a case counts as.

The rate items follow `xinfang.disclosure.rates` (DESIGN §8): the same clock
kinds, the same handling org, the same outcome classification
(`deadline_outcome`), the same evaluation sources and their preference. Only
"overdue or pending" is left open here, because it depends on the day the
figures are read; the item keeps its due day for that."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from xinfang.cases.models import Case
from xinfang.cases.models_procedure import Evaluation, EvaluationTarget
from xinfang.disclosure import rates
from xinfang.rules.calendar import local_date
from xinfang.rules.models import Clock

from .models import DAY, MONTH
from .periods import month_start

ACCEPT, REPLY, SATISFACTION = "accept", "reply", "satisfaction"
OPEN = "open"
ALL_ORGS = 0  # the org_id of volume rows summed over every org
MEASURE_OF_KIND: dict[str, str] = {**{str(k): ACCEPT for k in rates.ACCEPT_KINDS},
                                   **{str(k): REPLY for k in rates.REPLY_KINDS}}


def county_of(region_code: str) -> str:
    """The county-level region a code lies in (6 digits), or the code itself above that level."""
    return region_code[:6] if len(region_code) >= 6 else region_code


@dataclass(frozen=True)
class RateItem:
    measure: str
    month: date
    org_id: int
    outcome: str  # met / late / open, or the rating for satisfaction
    due_day: date  # open deadlines: the due day; otherwise the month

    def as_json(self) -> list:
        return [self.measure, self.month.isoformat(), self.org_id, self.outcome, self.due_day.isoformat()]

    @classmethod
    def from_json(cls, row: list) -> "RateItem":
        return cls(row[0], date.fromisoformat(row[1]), int(row[2]), row[3], date.fromisoformat(row[4]))


@dataclass
class Fact:
    case_id: int
    day: date
    county: str
    org_id: int
    category_id: int
    channel: str
    is_repeat: bool
    is_group: bool
    headcount: int
    rate_items: list[RateItem] = field(default_factory=list)

    def volume_rows(self) -> Iterator[tuple[tuple, tuple[int, ...]]]:
        """(rollup key, measures) for the day row and the month row, each once
        with the org and once under ALL_ORGS: the charts that do not break down
        by org read the latter, a few times fewer rows."""
        values = (1, int(self.is_repeat), int(self.is_group), self.headcount)
        for grain, start in ((DAY, self.day), (MONTH, month_start(self.day))):
            for org in (self.org_id, ALL_ORGS):
                yield (grain, start, self.county, org, self.category_id, self.channel), values

    def rate_rows(self) -> Iterator[tuple[tuple, tuple[int, ...]]]:
        """Each item with its handling org and once more under ALL_ORGS (the rate
        trend reads those, a few times fewer rows)."""
        for item in self.rate_items:
            for org in (item.org_id, ALL_ORGS):
                yield (item.month, self.county, org, self.category_id, self.channel, item.measure,
                       item.outcome, item.due_day), (1,)


def _deadline_items(case_ids: list[int], now: datetime) -> dict[int, list[RateItem]]:
    out: dict[int, list[RateItem]] = {}
    clocks = (Clock.objects.filter(case_id__in=case_ids, kind__in=list(MEASURE_OF_KIND), started_at__lte=now)
              .annotate(org=rates._handling_org())
              .values_list("case_id", "kind", "org", "state", "due_at", "stopped_at"))
    for case_id, kind, org, state, due_at, stopped_at in clocks:
        outcome = rates.deadline_outcome(state, due_at, stopped_at, now)
        if outcome == rates.VOID:
            continue
        due_day = local_date(due_at)
        month = month_start(due_day)
        if outcome in (rates.OVERDUE, rates.PENDING):
            item = RateItem(MEASURE_OF_KIND[kind], month, org, OPEN, due_day)
        else:
            item = RateItem(MEASURE_OF_KIND[kind], month, org, outcome, month)
        out.setdefault(case_id, []).append(item)
    return out


def _rating_items(case_ids: list[int], now: datetime) -> dict[int, list[RateItem]]:
    """One rating per case and rated org, the preferred source winning (as
    `rates.evaluation_rows`), counted in the month it was given."""
    sources: list[str] = [str(s) for s in rates.PETITIONER_SOURCES]
    best: dict[tuple[int, int], tuple[int, str, datetime]] = {}
    found = Evaluation.objects.filter(case_id__in=case_ids, target=EvaluationTarget.HANDLER, source__in=sources,
                                      at__lte=now).values_list("org_id", "case_id", "source", "rating", "at")
    for org, case, source, rating, at in found:
        rank = sources.index(source)
        if (org, case) not in best or rank < best[(org, case)][0]:
            best[(org, case)] = (rank, rating, at)
    out: dict[int, list[RateItem]] = {}
    for (org, case), (_, rating, at) in sorted(best.items()):
        month = month_start(local_date(at))
        out.setdefault(case, []).append(RateItem(SATISFACTION, month, org, rating, month))
    return out


def derive_facts(case_ids: Iterable[int], now: datetime) -> dict[int, Fact]:
    """Facts of the given cases as they stand at `now`; missing cases are absent."""
    ids = list(case_ids)
    if not ids:
        return {}
    deadlines = _deadline_items(ids, now)
    ratings = _rating_items(ids, now)
    facts = {}
    rows = Case.objects.filter(pk__in=ids).values_list(
        "id", "registered_at", "issue_region_id", "current_org_id", "category_id", "channel", "submission_count",
        "is_group", "headcount")
    for pk, registered_at, region, org, category, channel, submissions, is_group, headcount in rows:
        items = sorted(deadlines.get(pk, []) + ratings.get(pk, []), key=lambda i: i.as_json())
        facts[pk] = Fact(pk, local_date(registered_at), county_of(region), org, category, channel,
                         submissions > 1, is_group, headcount, items)
    return facts

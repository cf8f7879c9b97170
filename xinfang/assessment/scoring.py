"""绩效网上考评: score each org by a versioned scheme of weighted indicators.

Each indicator is normalised to 0..1 with its direction (a rate as it is, or
1 − rate when lower is better; a count as 1 − count ÷ the largest count among
the orgs scored). An org is scored on the indicators it has data for, the
weights of those rescaled to 100, so a department is not punished for having
no bureau figures. Each part shown is the points it contributed; the parts add
up to the score. Figures are taken as they stood at the end of the period
(or now, if earlier), so a past period always scores the same."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xinfang.disclosure.rates import Period, Rate
from xinfang.orgs.models import Org

from . import indicators
from .indicators import BY_KEY, Indicator
from .models import AssessmentScheme
from .rates import Scope


class SchemeError(Exception):
    """Invalid scheme; the message is for the user."""


def clean_weights(raw: dict[str, object]) -> dict[str, float]:
    """Known indicators, each weight a number from 0 to 100, adding up to 100."""
    errors, weights = [], {}
    for key, value in raw.items():
        if key not in BY_KEY:
            errors.append(f"未知的考评指标：{key}")
            continue
        text = str(value).strip()
        if text == "":
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            errors.append(f"“{BY_KEY[key].label}”的权重“{text}”不是数字")
            continue
        if not (0 <= number <= 100):
            errors.append(f"“{BY_KEY[key].label}”的权重应在 0 到 100 之间")
            continue
        if number:
            weights[key] = float(number)
    if not errors and abs(sum(weights.values()) - 100) > 1e-6:
        errors.append(f"各项权重之和应为 100，现为 {sum(weights.values()):g}")
    if errors:
        raise SchemeError("；".join(errors))
    return weights


@transaction.atomic
def save_scheme(*, user, code: str, name: str, weights: dict[str, object], effective_from: date,
                effective_to: date | None = None, min_volume: int = 10, note: str = "",
                at: datetime | None = None) -> AssessmentScheme:
    """A new version of the scheme `code` (version 1 when new). Old versions stay."""
    if not user.has_perm("assessment.manage_scheme"):
        raise SchemeError("没有制定或修改考评方案的权限")
    if not code or not name.strip():
        raise SchemeError("请填写方案代码和名称")
    if effective_to and effective_to < effective_from:
        raise SchemeError("适用截止日期不能早于起始日期")
    cleaned = clean_weights(weights)
    # Lock the family so two editors cannot both write version n + 1.
    list(AssessmentScheme.objects.select_for_update().filter(code=code))
    last = AssessmentScheme.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0
    return AssessmentScheme.objects.create(
        code=code, version=last + 1, name=name.strip(), weights=cleaned, effective_from=effective_from,
        effective_to=effective_to, min_volume=min_volume, note=note.strip(), created_by=user,
        created_at=at or timezone.now())


def latest_schemes() -> list[AssessmentScheme]:
    latest: dict[str, AssessmentScheme] = {}
    for s in AssessmentScheme.objects.order_by("code", "-version"):
        latest.setdefault(s.code, s)
    return list(latest.values())


@dataclass(frozen=True)
class ScorePart:
    indicator: Indicator
    weight: float
    value: Rate | int | None  # None: no data for this org
    normalised: float | None
    points: float | None
    disabled: bool = False

    @property
    def shown(self) -> str:
        if self.disabled:
            return "未启用"
        if self.value is None:
            return "无数据"
        if isinstance(self.value, Rate):
            return f"{self.value.percent}（{self.value.numerator}/{self.value.denominator}）"
        return f"{self.value} 件"


@dataclass
class ScoreRow:
    org: Org
    score: float
    parts: list[ScorePart]
    volume: int
    rank: int | None = None


@dataclass
class ScoreTable:
    scheme: AssessmentScheme
    period: Period
    as_of: datetime
    ranked: list[ScoreRow]
    unranked: list[ScoreRow]
    indicators: list[Indicator]
    disabled: set[str]


def _normalise(ind: Indicator, value: Rate | int | None, largest: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, Rate):
        if value.rate is None:
            return None
        return value.rate if ind.higher_is_better else 1 - value.rate
    if largest == 0:
        return 1.0
    share = value / largest
    return 1 - share if not ind.higher_is_better else share


def score(scheme: AssessmentScheme, scope: Scope, period: Period, now: datetime | None = None) -> ScoreTable:
    as_of = min(now or timezone.now(), period.end)
    weights = {k: float(w) for k, w in scheme.weights.items() if k in BY_KEY}
    chosen = [i for i in indicators.INDICATORS if i.key in weights]
    values = indicators.compute(set(weights), scope, period, as_of)
    # The orgs scored: those with any rate in scope (counts alone can name orgs outside it).
    org_ids: set[int] = set()
    for ind in chosen:
        if ind.kind == "rate":
            org_ids |= set(values.data.get(ind.key, {}))
    if not org_ids:
        for data in values.data.values():
            org_ids |= set(data)
    largest = {i.key: max([v for o, v in values.data.get(i.key, {}).items() if o in org_ids and isinstance(v, int)],
                          default=0) for i in chosen if i.kind == "count"}
    orgs = Org.objects.in_bulk(list(org_ids))
    rows = []
    for org_id in org_ids:
        raw = []
        for ind in chosen:
            disabled = ind.key in values.disabled
            value = values.data.get(ind.key, {}).get(org_id)
            if ind.kind == "count" and value is None and not disabled:
                value = 0  # no order, no flag: a real zero
            raw.append((ind, None if disabled else value, disabled))
        available = sum(weights[ind.key] for ind, v, _ in raw if _normalise(ind, v, largest.get(ind.key, 0)) is not None)
        parts = []
        for ind, value, disabled in raw:
            n = _normalise(ind, value, largest.get(ind.key, 0))
            points = None if n is None or not available else round(weights[ind.key] * n * 100 / available, 2)
            parts.append(ScorePart(ind, weights[ind.key], value, n, points, disabled))
        volume = max([v.denominator for k, d in values.data.items() if (v := d.get(org_id)) is not None
                      and isinstance(v, Rate) and BY_KEY[k].key.split(".")[0] in ("handler", "bureau")], default=0)
        rows.append(ScoreRow(orgs[org_id], round(sum(p.points or 0 for p in parts), 2), parts, volume))
    rows.sort(key=lambda r: (-r.score, -r.volume, r.org.name))
    ranked = [r for r in rows if r.volume >= scheme.min_volume]
    for i, r in enumerate(ranked, 1):
        r.rank = i
    unranked = [r for r in rows if r.volume < scheme.min_volume]
    return ScoreTable(scheme, period, as_of, ranked, unranked, chosen, values.disabled)

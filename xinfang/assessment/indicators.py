"""The indicators a scoring scheme may weigh, each a set-based count per org.

Two come from models other apps own (督办单 in supervision, 网上空转 flags in
integrity). They are looked up by name at call time: when the app is not
installed the indicator has no data and the table says 未启用."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from django.apps import apps
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from xinfang.cases.models import Case
from xinfang.disclosure.rates import Period, Rate

from .models import CallbackOutcome, ThirdPartyEvaluation
from .rates import RATE_KEYS, Scope, counts_all, spec

Kind = Literal["rate", "count"]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    kind: Kind
    higher_is_better: bool


INDICATORS: list[Indicator] = (
    [Indicator(f"handler.{k}", f"{spec('handler', k).formula.name}（办理单位）", "rate", True) for k in RATE_KEYS]
    + [Indicator(f"bureau.{k}", f"{spec('bureau', k).formula.name}（信访部门）", "rate", True) for k in RATE_KEYS]
    + [
        Indicator("overdue", "超期件数（超期办结 + 逾期未办）", "count", False),
        Indicator("repeat_rate", "重复信访率", "rate", False),
        Indicator("supervision_orders", "收到督办单数", "count", False),
        Indicator("idle_spin_flags", "网上空转标记数", "count", False),
        Indicator("third_party_satisfaction", "第三方评议满意率", "rate", True),
    ]
)
BY_KEY = {i.key: i for i in INDICATORS}
# Models of other apps, looked up at call time (they may not be installed).
SUPERVISION_ORDER: tuple[str, str] = ("supervision", "SupervisionOrder")
IDLE_SPIN_FLAG: tuple[str, str] = ("integrity", "Flag")


@dataclass
class Values:
    """Per indicator: {org id: value}; a rate as a Rate, a count as an int.
    `disabled` lists the indicators whose source app is not installed."""

    data: dict[str, dict[int, Rate | int]]
    disabled: set[str]


def _rates(target: str, scope: Scope, period: Period, now: datetime) -> dict[str, dict[int, Rate | int]]:
    found = counts_all(target, scope, period, now)
    return {f"{target}.{key}": cast(dict[int, Rate | int], found[key]) for key in RATE_KEYS}


def overdue(rate_data: dict[str, dict[int, Rate | int]]) -> dict[int, Rate | int]:
    """Late + still overdue, from the two deadline rates of the handling org."""
    out: dict[int, int] = {}
    for key in ("handler.timely_acceptance", "handler.on_time_reply"):
        for org, rate in rate_data.get(key, {}).items():
            assert isinstance(rate, Rate)
            out[org] = out.get(org, 0) + rate.denominator - rate.numerator
    return dict(out)


def repeat_rate(scope: Scope, period: Period) -> dict[int, Rate | int]:
    """Cases registered in the period that came back more than once ÷ cases, by the org holding them."""
    rows = (Case.objects.filter(scope.case_q(prefix=""), registered_at__gte=period.start,
                                registered_at__lt=period.end)
            .values("current_org_id").annotate(n=Count("pk"), repeats=Count("pk", filter=Q(submission_count__gt=1)))
            .order_by())
    return {r["current_org_id"]: Rate.of(r["repeats"], r["n"]) for r in rows}


def supervision_orders(period: Period) -> dict[int, Rate | int] | None:
    """督办单 issued to each org in the period; None when supervision has no such model."""
    try:
        model = apps.get_model(*SUPERVISION_ORDER)
    except LookupError:
        return None
    rows = (model._default_manager.filter(issued_at__isnull=False, issued_at__gte=period.start, issued_at__lt=period.end)
            .values("org_id").annotate(n=Count("pk")).order_by())
    return {r["org_id"]: r["n"] for r in rows if r["org_id"] is not None}


def idle_spin_flags(period: Period) -> dict[int, Rate | int] | None:
    """网上空转 flags raised in the period, by the flagged org (else the org holding the flagged case)."""
    try:
        model = apps.get_model(*IDLE_SPIN_FLAG)
    except LookupError:
        return None
    rows = (model._default_manager.filter(raised_at__gte=period.start, raised_at__lt=period.end)
            .annotate(flagged=Coalesce(F("org_id"), F("case__current_org_id")))
            .values("flagged").annotate(n=Count("pk")).order_by())
    return {r["flagged"]: r["n"] for r in rows if r["flagged"] is not None}


def third_party_satisfaction(scope: Scope, period: Period) -> dict[int, Rate | int]:
    """满意 + 基本满意 ÷ reached call-backs in the period, by the org holding the case."""
    rows = (ThirdPartyEvaluation.objects.filter(scope.case_q(), outcome=CallbackOutcome.REACHED,
                                                at__gte=period.start, at__lt=period.end)
            .values("case__current_org_id")
            .annotate(n=Count("pk"), good=Count("pk", filter=Q(rating__in=("satisfied", "basically_satisfied"))))
            .order_by())
    return {r["case__current_org_id"]: Rate.of(r["good"], r["n"]) for r in rows}


def compute(keys: set[str], scope: Scope, period: Period, now: datetime) -> Values:
    """The indicators named in `keys` (others are skipped: no wasted queries)."""
    data: dict[str, dict[int, Rate | int]] = {}
    disabled: set[str] = set()
    for target in ("handler", "bureau"):
        if any(k.startswith(f"{target}.") for k in keys) or (target == "handler" and "overdue" in keys):
            data |= _rates(target, scope, period, now)
    if "overdue" in keys:
        data["overdue"] = overdue(data)
    if "repeat_rate" in keys:
        data["repeat_rate"] = repeat_rate(scope, period)
    for key, fn in (("supervision_orders", supervision_orders), ("idle_spin_flags", idle_spin_flags)):
        if key in keys:
            found = fn(period)
            if found is None:
                disabled.add(key)
            data[key] = found or {}
    if "third_party_satisfaction" in keys:
        data["third_party_satisfaction"] = third_party_satisfaction(scope, period)
    return Values({k: v for k, v in data.items() if k in keys}, disabled)

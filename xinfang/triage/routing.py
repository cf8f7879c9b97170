"""Routing suggestion: issue region + category → the competent org.

Three sources, in order of authority:
1. the routing table (`RoutingRule`, admin-edited): the most specific rule;
2. past routing: where the bureaus actually forwarded / assigned recent cases
   of the same category from the same county (objected assignments — the
   receiver said "not ours" — do not count). It confirms a rule, or overrides
   it when a clear majority went elsewhere;
3. with neither, the department whose remit the taxonomy names for the
   category (`cases.taxonomy.department_for`), in the nearest region up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from xinfang.cases.models import Assignment, Case, Category
from xinfang.cases.models_procedure import AssignmentKind, AssignmentState
from xinfang.cases.taxonomy import department_for
from xinfang.orgs.models import Org

from .models import RoutingRule

HISTORY_WINDOW = timedelta(days=730)  # routing practice changes; two years is recent enough to count
MIN_HISTORY = 5  # fewer past cases say little
MAX_PAST_CASES = 500  # the most recent are enough to see the practice
PAST_CACHE_SECONDS = 600
SCAN_CASES = 1500  # recent cases of the category scanned for the county (≈ 200 in a county of seven)
OVERRIDE_SHARE = 0.6  # past routing beats a rule only when this share of cases went elsewhere
RULE_CONFIDENCE = {2: 0.85, 1: 0.75, 0: 0.55}  # by how specifically the rule names the category
REMIT_CONFIDENCE = 0.5


@dataclass
class RoutingSuggestion:
    org: Org
    confidence: float
    source: str  # "rule" | "history" | "remit"
    reason: str
    rule: RoutingRule | None = None
    past_total: int = 0
    past_to_org: int = 0
    alternatives: list[tuple[Org, str]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


def _prefixes(region_code: str) -> list[str]:
    return [region_code[:n] for n in range(len(region_code) + 1)]


def matching_rules(region_code: str, category: Category) -> list[RoutingRule]:
    """Active rules that apply, most specific first."""
    cat_ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    rules = list(
        RoutingRule.objects.filter(is_active=True, org__is_active=True, region_prefix__in=_prefixes(region_code))
        .filter(Q(category__isnull=True) | Q(category_id__in=cat_ids))
        .select_related("org", "category")
    )
    rules.sort(key=lambda r: (r.category_level, len(r.region_prefix), r.priority, -r.pk), reverse=True)
    return rules


def history_prefix(region_code: str) -> str:
    # Counting by county (6 digits) pools enough cases; a town alone is too few.
    return region_code[:6]


def past_routing(region_code: str, category: Category, now: datetime | None = None) -> Counter[int]:
    """org id → number of recent cases of this category from this county sent there.

    Cached for ten minutes per (county, category): routing practice moves
    slowly, and the registrar's panel asks on every pause in typing.
    Two steps on purpose, each index-friendly: the category's recent cases
    (category index; the county is filtered here because PostgreSQL otherwise
    ANDs in a bitmap of the whole county's cases, 150 ms at a million), then
    their assignments by case id."""
    prefix = history_prefix(region_code)
    key = f"triage:past-routing:{prefix}:{category.pk}"
    if now is None:
        hit = cache.get(key)
        if hit is not None:
            return Counter(hit)
    counts = _count_past_routing(prefix, category, now or timezone.now())
    if now is None:
        cache.set(key, dict(counts), PAST_CACHE_SECONDS)
    return counts


def _count_past_routing(prefix: str, category: Category, now: datetime) -> Counter[int]:
    recent = (
        Case.objects.filter(category_id=category.pk, registered_at__gte=now - HISTORY_WINDOW)
        .order_by("-registered_at").values_list("id", "issue_region_id")[:SCAN_CASES]
    )
    case_ids = [pk for pk, region in recent if region.startswith(prefix)][:MAX_PAST_CASES]
    if not case_ids:
        return Counter()
    rows = (
        Assignment.objects.filter(case_id__in=case_ids, kind__in=[AssignmentKind.FORWARD, AssignmentKind.ASSIGN],
                                  created_at__gte=now - HISTORY_WINDOW)
        .exclude(state=AssignmentState.OBJECTED)
        .values("to_org")
        .annotate(n=Count("case_id", distinct=True))
    )
    return Counter({r["to_org"]: r["n"] for r in rows})


def remit_org(region_code: str, category: Category) -> Org | None:
    """The department of the category's remit in the issue region or the nearest one above."""
    remit = department_for(category.code)
    candidates = {
        o.region_id: o
        for o in Org.objects.filter(remit=remit, is_active=True, region_id__in=_prefixes(region_code)).order_by("-pk")
    }
    for prefix in reversed(_prefixes(region_code)):
        if prefix in candidates:
            return candidates[prefix]
    return None


def suggest_org(region_code: str, category: Category, now: datetime | None = None) -> RoutingSuggestion | None:
    rules = matching_rules(region_code, category)
    past = past_routing(region_code, category, now)
    total = sum(past.values())
    rule = rules[0] if rules else None
    if rule is not None:
        s = RoutingSuggestion(rule.org, RULE_CONFIDENCE[rule.category_level], "rule",
                              f"交办规则：{rule}", rule=rule, past_total=total, past_to_org=past[rule.org_id])
        if total >= MIN_HISTORY:
            top_id, top_n = past.most_common(1)[0]
            if top_id != rule.org_id and top_n / total >= OVERRIDE_SHARE:
                other = Org.objects.get(pk=top_id)
                return RoutingSuggestion(
                    other, _shrunk(top_n, total), "history",
                    f"近两年本县（市、区）同类事项 {total} 件中 {top_n} 件转送/交办至该单位，与交办规则不同",
                    past_total=total, past_to_org=top_n, alternatives=[(rule.org, "交办规则建议")])
            share = past[rule.org_id] / total
            # Agreement raises the confidence; a rule the practice ignores loses some.
            s.confidence = round(min(0.98, (s.confidence + share) / 2 + (0.1 if share >= 0.5 else 0)), 2)
            s.reason += f"；近两年同类事项 {total} 件中 {past[rule.org_id]} 件转送/交办至该单位"
        return s
    if total >= MIN_HISTORY:
        top_id, top_n = past.most_common(1)[0]
        return RoutingSuggestion(Org.objects.get(pk=top_id), _shrunk(top_n, total), "history",
                                 f"近两年本县（市、区）同类事项 {total} 件中 {top_n} 件转送/交办至该单位",
                                 past_total=total, past_to_org=top_n)
    org = remit_org(region_code, category)
    if org is None:
        return None
    return RoutingSuggestion(org, REMIT_CONFIDENCE, "remit", "未配置交办规则，按内容分类对应的职能部门建议",
                             past_total=total, past_to_org=past[org.pk])


def _shrunk(n: int, total: int) -> float:
    # The observed share, pulled towards zero for small samples (5 of 5 is not certainty).
    return round(n / (total + 2), 2)

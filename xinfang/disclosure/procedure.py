"""What the public procedure pages show besides the chart: the statutory limits
(straight from the rule sets, so the page cannot drift from what the clocks
do) and the directory of places that receive petitions."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from xinfang.orgs.models import Org, OrgKind, Region
from xinfang.rules.models import RuleSet
from xinfang.rules.rulesets import BUILTIN_NAMES, Rule, RuleError, rules_of

CURRENT, PREVIOUS = "2022", "2005"


@dataclass(frozen=True)
class LimitRow:
    kind: str
    name: str
    start_event: str
    current: Rule
    previous: Rule | None
    note: str


def _note(rule: Rule) -> str:
    if rule.kind == "extend":
        return "办理期限的最长延期，须经本机关负责人批准并告知信访人理由"
    parts = []
    if rule.extendable:
        parts.append("情况复杂的经批准可延期")
    if rule.pausable:
        parts.append("听证时间不计入")
    if rule.petitioner_right:
        parts.append("信访人的申请期限")
    if rule.configurable:
        parts.append("由本地规定")
    if rule.kind == "simple":
        parts.append("适用于事实清楚、争议不大的初次信访")
    return "；".join(parts)


def limits_table() -> list[LimitRow]:
    """Every time limit, 2022 beside 2005, in the order the procedure meets them."""
    current, previous = rules_of(CURRENT), rules_of(PREVIOUS)
    return [LimitRow(kind, r.name, r.start_event, r, previous.get(kind), _note(r)) for kind, r in current.items()]


def limits_titles() -> tuple[str, str]:
    return BUILTIN_NAMES[CURRENT], BUILTIN_NAMES[PREVIOUS]


@dataclass(frozen=True)
class LocalRule:
    name: str
    region: str
    changes: list[str]


def local_rules() -> list[LocalRule]:
    """Local rule sets in force here, with the limits they tighten."""
    out = []
    for rs in RuleSet.objects.select_related("region").order_by("code"):
        try:
            rules = rules_of(rs.code)
        except RuleError:
            continue  # a broken local rule is not in force; staff see why on the rules page
        changes = [f"{rules[k].name}：{rules[k].limit_text}（{rules[k].article}）" for k in rs.overrides if k in rules]
        out.append(LocalRule(rs.name, rs.region.full_name if rs.region else "", changes))
    return out


# -- the directory of reception places ----------------------------------------------

KIND_RANK: dict[str, int] = {OrgKind.BUREAU: 0, OrgKind.GOVERNMENT: 1}


def directory_orgs() -> QuerySet[Org]:
    """Petition bureaus and governments, and the departments that receive visitors."""
    listed = Q(kind__in=[OrgKind.BUREAU, OrgKind.GOVERNMENT]) | (Q(kind=OrgKind.DEPARTMENT) & ~Q(reception_hours=""))
    return Org.objects.filter(listed, is_active=True).select_related("region")


def district_of(region_code: str) -> str:
    """The county-level code a region belongs to; province and city stand for themselves."""
    return region_code[:6] if len(region_code) >= 6 else region_code


def district_choices() -> list[tuple[str, str]]:
    codes = sorted({district_of(c) for c in directory_orgs().values_list("region_id", flat=True)})
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [(c, names.get(c, c) + ("（本级）" if len(c) < 6 else "")) for c in codes]


@dataclass
class Section:
    code: str
    title: str
    orgs: list[Org]


def directory(district: str | None = None) -> list[Section]:
    """The directory, one section per district, bureaus first, then governments,
    then departments, streets and towns last."""
    orgs = directory_orgs()
    if district:
        # A county is its whole subtree (a code range); a city or province is itself only.
        subtree = Q(region_id__gte=district, region_id__lt=district + "\uffff")
        orgs = orgs.filter(region_id=district) if len(district) < 6 else orgs.filter(subtree)
    orgs = orgs.order_by("region_id", "name")
    titles = dict(district_choices())
    sections: dict[str, Section] = {}
    for org in orgs:
        code = district_of(org.region_id)
        section = sections.setdefault(code, Section(code, titles.get(code, code), []))
        section.orgs.append(org)
    for section in sections.values():
        # County-level organs before the streets and towns below them.
        section.orgs.sort(key=lambda o: (len(o.region_id) > 6, KIND_RANK.get(o.kind, 2), o.region_id, o.name))
    return list(sections.values())

"""Default routing rules derived from the taxonomy's remit table, for every
region that has its own departments (the city and each county in the demo
tree): top-level category → the department of its remit there, plus the
second-level exceptions (城市管理 → 城管局 …). Idempotent, and it never
touches a (region, category) pair that already has a rule: admins' edits win."""

from __future__ import annotations

from django.db import transaction

from xinfang.cases.models import Category
from xinfang.cases.taxonomy import DEFAULT_DEPARTMENT, DEPARTMENT_OVERRIDES
from xinfang.orgs.models import Org, OrgKind

from .models import RoutingRule

REMIT_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISCIPLINE, OrgKind.POLITICO_LEGAL)


@transaction.atomic
def seed_default_rules(rule_model=RoutingRule, category_model=Category, org_model=Org) -> int:
    """Models are parameters so the data migration can pass its historical ones."""
    cats = {c.code: c for c in category_model.objects.all()}
    wanted = {**DEFAULT_DEPARTMENT, **DEPARTMENT_OVERRIDES}
    depts: dict[tuple[str, str], Org] = {}
    for org in org_model.objects.filter(is_active=True, kind__in=REMIT_KINDS).exclude(remit="").order_by("pk"):
        depts.setdefault((org.region_id, org.remit), org)
    existing = set(rule_model.objects.values_list("region_prefix", "category_id"))
    created = 0
    for region in sorted({r for r, _ in depts}):
        for code, remit in sorted(wanted.items()):
            org, cat = depts.get((region, remit)), cats.get(code)
            if org is None or cat is None or (region, cat.pk) in existing:
                continue
            rule_model.objects.create(region_prefix=region, category=cat, org=org, note="按职能分工自动生成")
            created += 1
    return created

"""Routing suggestions: the most specific rule, refined by where bureaus
actually sent the same kind of case from the same county."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.cases.test_access_and_search import make_case
from xinfang.cases.models import Assignment, Case, Category
from xinfang.triage.models import RoutingRule
from xinfang.triage.routing import MIN_HISTORY, suggest_org
from xinfang.triage.seeding import seed_default_rules

LIANGXI_STREET = "320213021"


def cat(code):
    return Category.objects.get(code=code)


def rule(prefix, code, org, **kw):
    return RoutingRule.objects.create(region_prefix=prefix, category=cat(code) if code else None, org=org, **kw)


def sent(orgs, registrar, to_org, code, n, *, state="accepted", region=LIANGXI_STREET, days_ago=10, seq=0):
    """n past cases of `code` from `region` that the 梁溪 bureau forwarded to `to_org`."""
    for i in range(n):
        case = make_case(orgs["lx_bureau"], registrar, region=region, seq=seq + i + 1)
        Case.objects.filter(pk=case.pk).update(category=cat(code))
        Assignment.objects.create(case=case, kind="forward", from_org=orgs["lx_bureau"], to_org=to_org,
                                  created_at=timezone.now() - timedelta(days=days_ago), state=state)


@pytest.mark.django_db
def test_the_most_specific_rule_wins(orgs):
    rule("", None, orgs["wx_bureau"])
    rule("3202", "CXJS", orgs["wx_zhujian"])
    rule("320213", "CXJS", orgs["lx_zhujian"])
    rule("3202", "CXJS.05", orgs["wx_chengguan"])
    # Same category level: the issue's own county beats the city.
    assert suggest_org(LIANGXI_STREET, cat("CXJS.01")).org == orgs["lx_zhujian"]
    # A second-level rule beats a top-level one, even from a wider region.
    assert suggest_org(LIANGXI_STREET, cat("CXJS.05")).org == orgs["wx_chengguan"]
    # Elsewhere in the city the county rule does not apply.
    assert suggest_org("320281", cat("CXJS.01")).org == orgs["wx_zhujian"]
    # The catch-all takes what nothing else names.
    s = suggest_org(LIANGXI_STREET, cat("MZ.01"))
    assert (s.org, s.source) == (orgs["wx_bureau"], "rule")
    # Outside the province nothing matches but the catch-all (prefix "").
    assert suggest_org("110101", cat("MZ.01")).org == orgs["wx_bureau"]


@pytest.mark.django_db
def test_priority_breaks_ties_and_inactive_rules_are_ignored(orgs):
    rule("320213", "CXJS", orgs["lx_zhujian"], priority=1)
    rule("320213", "CXJS", orgs["lx_chengguan"], priority=5)
    assert suggest_org(LIANGXI_STREET, cat("CXJS.01")).org == orgs["lx_chengguan"]
    RoutingRule.objects.filter(org=orgs["lx_chengguan"]).update(is_active=False)
    assert suggest_org(LIANGXI_STREET, cat("CXJS.01")).org == orgs["lx_zhujian"]


@pytest.mark.django_db
def test_without_rules_or_history_it_names_the_remit_department_nearest_the_issue(orgs):
    s = suggest_org(LIANGXI_STREET, cat("CXJS.01"))
    assert (s.org, s.source) == (orgs["lx_zhujian"], "remit")  # 梁溪 has its own 住建局
    assert suggest_org(LIANGXI_STREET, cat("HJBH.01")).org == orgs["wx_shengtai"]  # no county 生态环境局


@pytest.mark.django_db
def test_past_routing_that_agrees_raises_the_confidence(orgs, lx_registrar):
    rule("320213", "CXJS", orgs["lx_zhujian"])
    before = suggest_org(LIANGXI_STREET, cat("CXJS.01")).confidence
    sent(orgs, lx_registrar, orgs["lx_zhujian"], "CXJS.01", MIN_HISTORY)
    assert suggest_org(LIANGXI_STREET, cat("CXJS.01")).past_total == 0  # cached for ten minutes
    cache.clear()
    s = suggest_org(LIANGXI_STREET, cat("CXJS.01"))
    assert s.org == orgs["lx_zhujian"] and s.source == "rule"
    assert s.confidence > before
    assert (s.past_total, s.past_to_org) == (MIN_HISTORY, MIN_HISTORY)
    assert f"{MIN_HISTORY} 件中 {MIN_HISTORY} 件" in s.reason


@pytest.mark.django_db
def test_a_clear_practice_overrides_an_outdated_rule(orgs, lx_registrar):
    rule("320213", "CXJS", orgs["lx_zhujian"])
    sent(orgs, lx_registrar, orgs["lx_chengguan"], "CXJS.01", 5)
    sent(orgs, lx_registrar, orgs["lx_zhujian"], "CXJS.01", 1, seq=10)
    s = suggest_org(LIANGXI_STREET, cat("CXJS.01"))
    assert (s.org, s.source) == (orgs["lx_chengguan"], "history")
    assert s.alternatives == [(orgs["lx_zhujian"], "交办规则建议")]
    assert 0.5 < s.confidence < 5 / 6  # shrunk below the raw share


@pytest.mark.django_db
def test_objections_old_cases_other_counties_and_other_categories_do_not_count(orgs, lx_registrar):
    rule("320213", "CXJS", orgs["lx_zhujian"])
    sent(orgs, lx_registrar, orgs["lx_chengguan"], "CXJS.01", 2, state="objected")
    sent(orgs, lx_registrar, orgs["lx_chengguan"], "CXJS.01", 2, days_ago=800, seq=10)
    sent(orgs, lx_registrar, orgs["lx_chengguan"], "CXJS.01", 2, region="320281", seq=20)
    sent(orgs, lx_registrar, orgs["lx_chengguan"], "CXJS.02", 2, seq=30)
    s = suggest_org(LIANGXI_STREET, cat("CXJS.01"))
    assert (s.org, s.source, s.past_total) == (orgs["lx_zhujian"], "rule", 0)


@pytest.mark.django_db
def test_history_alone_suggests_when_there_is_no_rule(orgs, lx_registrar, monkeypatch):
    monkeypatch.setattr("xinfang.triage.routing.remit_org", lambda *a: None)
    sent(orgs, lx_registrar, orgs["lx_gov"], "MZ.01", MIN_HISTORY)
    s = suggest_org(LIANGXI_STREET, cat("MZ.01"))
    assert (s.org, s.source) == (orgs["lx_gov"], "history")


@pytest.mark.django_db
def test_seeding_builds_rules_from_the_remit_table_once_and_keeps_admin_edits(orgs):
    created = seed_default_rules()
    assert created > 50
    assert seed_default_rules() == 0
    r = RoutingRule.objects.get(region_prefix="320213", category=cat("CXJS"))
    assert r.org == orgs["lx_zhujian"]
    assert RoutingRule.objects.get(region_prefix="320213", category=cat("CXJS.05")).org == orgs["lx_chengguan"]
    assert RoutingRule.objects.get(region_prefix="3202", category=cat("HJBH")).org == orgs["wx_shengtai"]
    assert not RoutingRule.objects.filter(region_prefix="320213", category=cat("HJBH")).exists()
    r.org = orgs["lx_gov"]
    r.save()
    r.delete()
    RoutingRule.objects.create(region_prefix="320213", category=cat("CXJS"), org=orgs["lx_gov"])
    assert seed_default_rules() == 0
    assert RoutingRule.objects.get(region_prefix="320213", category=cat("CXJS")).org == orgs["lx_gov"]
    assert suggest_org(LIANGXI_STREET, cat("CXJS.01")).org == orgs["lx_gov"]

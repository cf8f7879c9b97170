"""Triage on the big database: category suggestion (model in memory), routing
suggestion (rule lookup + past-routing count over the cases table), and the
registration panel endpoint through the full Django stack."""

import random

from bench.stats import measure, summary


def run() -> None:
    from django.core.cache import cache
    from django.test import Client

    from xinfang.cases.models import Case
    from xinfang.orgs.models import Membership, Role
    from xinfang.triage import store
    from xinfang.triage.categories import suggest_category
    from xinfang.triage.routing import suggest_org
    from xinfang.triage.seeding import seed_default_rules

    print("\n== triage ==")
    print(f"default routing rules created: {seed_default_rules()}")
    last = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(7)
    ids = [rng.randint(1, last) for _ in range(60)]
    sample = list(Case.objects.filter(id__in=ids).select_related("category", "issue_region")[:30])
    if not sample:
        print("no cases: skipped")
        return
    store.get_model()  # loaded once per process, as in a web worker
    texts = iter(sample * 10)

    def category_once():
        c = next(texts)
        suggest_category(c.title, c.content)

    print(summary("suggest_category (title + content)", measure(category_once, runs=len(sample) * 3)))
    combos = iter(sample * 10)

    def routing_once():
        c = next(combos)
        suggest_org(c.issue_region_id, c.category)

    def routing_cold():
        cache.clear()  # past routing is cached ten minutes per (county, category)
        routing_once()

    print(summary("suggest_org, past routing not cached", measure(routing_cold, runs=len(sample) * 2)))
    print(summary("suggest_org, past routing cached", measure(routing_once, runs=len(sample) * 3)))
    seat = Membership.objects.filter(role=Role.REGISTRAR, user__is_active=True).select_related("user").first()
    if seat is None:
        print("no registrar account: endpoint skipped")
        return
    client = Client()
    client.force_login(seat.user)
    posts = iter(sample * 10)

    def endpoint_once():
        c = next(posts)
        r = client.post("/triage/suggest/", {"title": c.title, "content": c.content,
                                             "issue_region": c.issue_region_id})
        assert r.status_code == 200, r.status_code

    print(summary("POST /triage/suggest/ (registration panel)", measure(endpoint_once, runs=len(sample) * 2)))

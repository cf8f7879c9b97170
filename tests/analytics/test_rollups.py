"""The incremental fold gives exactly what a full rebuild gives."""

import random

from xinfang.analytics.models import CaseFact, RateRollup, RollupMark, VolumeRollup
from xinfang.analytics.rollups import fold, fold_all, rebuild
from xinfang.cases.events import record_event
from xinfang.cases.models import Case, Category
from xinfang.demo.generator import generate_cases
from xinfang.orgs.models import Org


def snapshot() -> tuple[dict, dict, int]:
    volume = {tuple(getattr(r, f) for f in VolumeRollup.KEY): (r.cases, r.repeat_cases, r.group_cases, r.headcount)
              for r in VolumeRollup.objects.all() if (r.cases, r.repeat_cases, r.group_cases, r.headcount) != (0,) * 4}
    rate = {tuple(getattr(r, f) for f in RateRollup.KEY): r.n for r in RateRollup.objects.all() if r.n}
    return volume, rate, CaseFact.objects.count()


def test_it_folds_new_cases_and_changes_to_the_same_result_as_a_rebuild(generated):
    now = generated
    fold_all(now)
    assert CaseFact.objects.count() == Case.objects.count()
    assert sum(r.cases for r in VolumeRollup.objects.filter(grain="D", org_id=0)) == Case.objects.count()
    assert sum(r.cases for r in VolumeRollup.objects.filter(grain="M").exclude(org_id=0)) == Case.objects.count()

    # More cases arrive, and some existing ones change (reclassified, moved to
    # another org, a repeat arrives) — each change written with its event.
    generate_cases(60, seed=11, months=3, now=now, method="orm")
    rng = random.Random(3)
    categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    orgs = list(Org.objects.filter(kind="department").values_list("pk", flat=True))
    for case in rng.sample(list(Case.objects.all()), 25):
        case.category_id = rng.choice(categories)
        case.current_org_id = rng.choice(orgs)
        case.submission_count += rng.choice([0, 1])
        case.is_group = rng.random() < 0.3
        case.save(update_fields=["category", "current_org", "submission_count", "is_group"])
        record_event(case, "note", note="reclassified", at=now)
    assert fold(now)["events"] > 0
    fold_all(now)
    incremental = snapshot()

    rebuild(now)
    assert snapshot() == incremental


def test_it_is_idempotent_and_refolds_late_events(generated):
    now = generated
    fold_all(now)
    before = snapshot()
    mark = RollupMark.objects.get()
    # Pretend an event id below the mark was still in flight at the last fold.
    case = Case.objects.order_by("pk").first()
    event = record_event(case, "note", at=now)
    Case.objects.filter(pk=case.pk).update(is_group=not case.is_group)
    RollupMark.objects.filter(pk=mark.pk).update(last_event_id=event.pk, gaps={str(event.pk): now.isoformat()})
    result = fold(now)
    assert result == {"events": 0, "late_events": 1, "cases": 1}
    assert RollupMark.objects.get().gaps == {}
    after = snapshot()
    assert after != before
    assert fold(now)["cases"] == 0
    assert snapshot() == after
    rebuild(now)
    assert snapshot() == after

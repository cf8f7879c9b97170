"""Flags about a case's form rather than its handling: level-skipping visits
(越级走访) and group (集体访) / large-scale (大规模集体访) petitions.

The cases app already marks a level-skipping visit at registration
(`special.on_register` sets `is_level_skipping` and writes a `level_skipping`
event naming the bureau that was skipped; `guide_down` sets it too). These
rules turn that mark into a supervision flag instead of detecting it again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Max, Q
from django.utils import timezone

from xinfang.cases.models import Case, CaseEvent, Submission

from .conf import setting
from .flags import case_flag
from .models import Flag, Rule


def _cases(since: datetime, until: datetime, case_ids: Iterable[int] | None):
    qs = Case.objects.all()
    if case_ids is not None:
        return qs.filter(pk__in=list(case_ids))
    return qs.filter(registered_at__gte=since, registered_at__lte=until)


def level_skipping(since: datetime, until: datetime, now: datetime,
                   case_ids: Iterable[int] | None = None) -> list[Flag]:
    cases = list(_cases(since, until, case_ids).filter(is_level_skipping=True)
                 .values_list("pk", "number", "registered_org_id", "registered_org__name"))
    notes: dict[int, tuple[str, dict]] = {}
    for cid, note, payload in (CaseEvent.objects.filter(case_id__in=[c[0] for c in cases],
                                                        action__in=("level_skipping", "guide_down"))
                               .order_by("at").values_list("case_id", "note", "payload")):
        notes.setdefault(cid, (note, payload or {}))
    flags = []
    for pk, number, org_id, org_name in cases:
        note, payload = notes.get(pk, ("", {}))
        proper = payload.get("proper_org") or payload.get("to_org")
        flags.append(case_flag(
            Rule.LEVEL_SKIPPING, pk, org_id, "visit",
            f"{number}为越级走访：信访人未先到问题属地有权处理的下级机关反映，直接到{org_name}走访。"
            + (f"登记时提示：{note}" if note else ""),
            {"proper_org": proper},
        ))
    return flags


def group_size(since: datetime, until: datetime, now: datetime,
               case_ids: Iterable[int] | None = None) -> list[Flag]:
    """集体访 from ``GROUP_HEADCOUNT`` people, 大规模 from ``LARGE_SCALE_HEADCOUNT``.
    The size is the largest of the case's headcount and any visit's headcount."""
    group, large = setting("GROUP_HEADCOUNT"), setting("LARGE_SCALE_HEADCOUNT")
    qs = _cases(since, until, case_ids).annotate(visit_max=Max("submissions__headcount"))
    rows = qs.filter(Q(headcount__gte=group) | Q(visit_max__gte=group)).values_list(
        "pk", "number", "headcount", "visit_max", "current_org_id")
    flags = []
    for pk, number, headcount, visit_max, org_id in rows:
        size = max(headcount or 0, visit_max or 0)
        if size >= large:
            flags.append(case_flag(
                Rule.LARGE_SCALE, pk, org_id, f"size:{large}",
                f"{number}为大规模集体访：{size}人（达到{large}人），应即时报告并由领导包案处置。",
                {"headcount": size}))
        flags.append(case_flag(
            Rule.GROUP, pk, org_id, f"size:{group}",
            f"{number}为集体访：{size}人（{group}人以上）。", {"headcount": size}))
    return flags


def repeat_visit_skips_level(case: Case, sub: Submission) -> Flag | None:
    """A repeat visit at a bureau above the one competent for the issue region,
    the petitioner never having been there: flagged like a first visit."""
    from xinfang.cases import special

    org = sub.received_by_org
    if sub.channel != "visit" or not org.is_bureau:
        return None
    # special._proper_bureau is the cases app's own test of 逐级走访; reused, not copied.
    proper = special._proper_bureau(case, org)
    if proper is None:
        return None
    return case_flag(
        Rule.LEVEL_SKIPPING, case.pk, org.pk, f"sub:{sub.pk}",
        f"{case.number}的重复来访为越级走访：{timezone.localtime(sub.received_at):%Y-%m-%d}直接到{org.name}走访，"
        f"未先到{proper.name}反映。",
        {"proper_org": proper.pk, "submission": sub.pk})


CASE_RULES = {Rule.LEVEL_SKIPPING: level_skipping, Rule.GROUP: group_size}

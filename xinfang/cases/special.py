"""The special rules of DESIGN §6 that fire on registration and on repeats:
重大紧急 alerts, 越级走访, 不再受理 after 复核, and art. 19 (a matter in
progress below is declined above and pointed down)."""

from django.utils import timezone

from xinfang.notifications.models import Notification
from xinfang.notifications.outbox import queue_case_notice
from xinfang.orgs.cached import active_bureaus
from xinfang.orgs.models import Membership, Org, Role

from .events import record_event
from .models import Case, CaseEvent, Channel, Status, Submission

IN_PROGRESS = {Status.FORWARDED, Status.ASSIGNED, Status.ACCEPTED, Status.REPLY_PENDING, Status.REVIEWING,
               Status.REEXAMINING}
EXHAUSTED = {Status.TERMINATED}


def bureaus_covering(region_code: str) -> list[Org]:
    """Petition bureaus whose region contains this region, nearest first."""
    prefixes = {region_code[:n] for n in (2, 4, 6, 9) if len(region_code) >= n}
    orgs = active_bureaus(prefixes)
    return sorted(orgs, key=lambda o: -len(o.region_id))


def alert_leaders(case: Case, org: Org, text: str, *, roles: tuple[str, ...] = (Role.LEADER,),
                  kind: str = "urgent") -> int:
    """In-app alerts to the leaders (or other `roles`) of the registering org and every bureau above the issue."""
    org_ids = {org.pk, *(b.pk for b in bureaus_covering(case.issue_region_id))}
    leaders = Membership.objects.filter(org_id__in=org_ids, role__in=roles, is_active=True).values_list(
        "user_id", flat=True).distinct()
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(user_id=uid, case=case, kind=kind, text=text, is_urgent=True, created_at=now)
        for uid in leaders
    )
    return len(leaders)


def on_register(case: Case, reg, *, org: Org, actor, event: CaseEvent, lead_phone: str | None = None) -> None:
    queue_case_notice(case, event, "registered", recipient=lead_phone)
    if case.is_urgent:
        n = alert_leaders(case, org, f"重大紧急信访事项 {case.number}：{case.title}")
        record_event(case, "urgent_alert", actor=actor, org=org,
                     note=f"重大紧急事项，已即时报告{n}名领导", payload={"leaders": n})
    if reg.channel == Channel.VISIT and org.is_bureau:
        proper = _proper_bureau(case, org)
        if proper is not None:
            Case.objects.filter(pk=case.pk).update(is_level_skipping=True)
            case.is_level_skipping = True
            record_event(case, "level_skipping", actor=actor, org=org,
                         note=f"越级走访：问题属地为{case.issue_region.name}，应引导至{proper.name}逐级走访",
                         payload={"proper_org": proper.pk})


def _proper_bureau(case: Case, org: Org) -> Org | None:
    """The lower bureau a visitor skipped, if they have not been there with this matter."""
    covering = [b for b in bureaus_covering(case.issue_region_id) if len(b.region_id) > len(org.region_id)]
    if not covering:
        return None
    # The county-level bureau is where a visit should start (2022 art. 20).
    proper = covering[-1] if len(covering[-1].region_id) == 6 else covering[0]
    petitioner_ids = case.petitioner_links.values("petitioner_id")
    been_there = Submission.objects.filter(
        received_by_org=proper, petitioners__in=petitioner_ids
    ).exists()
    return None if been_there else proper


def on_repeat(case: Case, sub: Submission, *, org: Org, actor) -> None:
    if case.status in EXHAUSTED:
        event = record_event(case, "repeat_refused", actor=actor, org=org, is_public=True,
                             note="同一事实和理由的信访事项已经复核终结，依法不再受理，已书面告知信访人",
                             payload={"submission": sub.pk})
        queue_case_notice(case, event, "refused_repeat")
        return
    holder = case.current_org
    below = holder.region_id.startswith(org.region_id) and len(holder.region_id) > len(org.region_id)
    if case.status in IN_PROGRESS and holder.pk != org.pk and below:
        event = record_event(case, "repeat_declined_above", actor=actor, org=org, is_public=True,
                             note=f"该事项已由{holder.name}受理办理中，本机关不予受理，请向{holder.name}了解办理情况",
                             payload={"submission": sub.pk, "holder": holder.pk})
        queue_case_notice(case, event, "declined_above")

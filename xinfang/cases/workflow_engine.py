"""Applying a transition: check the table, run the step, move the clocks,
write the event and the notice — all in one transaction, or nothing."""

from django.db import transaction
from django.utils import timezone

from xinfang.rules import clocks

from . import workflow_effects as effects
from .events import record_event
from .models import Case, CaseEvent, Status
from .workflow import BY_NAME, Transition, transitions_from
from .workflow_access import seat_for


class TransitionError(Exception):
    """A refused move; the message is shown to the user as it is (Chinese)."""


PETITIONER = object()  # the actor when the petitioner acts online (identified by query code + phone)


def refusal(user, case: Case, t: Transition, data: dict | None = None, at=None) -> str | None:
    """Why `user` may not take `t` on `case` now, or None if they may.
    `user` is a staff user, None for the system, or PETITIONER."""
    if case.status not in t.sources:
        return f"当前状态为“{Status(case.status).label}”，不能{t.label}"
    if user is PETITIONER:
        if not t.petitioner:
            return f"{t.label}须由工作人员办理"
    elif user is None:
        if not t.system:
            return f"{t.label}须由工作人员办理"
    elif seat_for(user, case, t.roles, t.relation) is None:
        return f"您没有权限对该事项{t.label}"
    guard = effects.GUARDS.get(t.name)
    if guard is not None:
        return guard(case, data or {}, at or timezone.now(), user)
    return None


def available(user, case: Case, at=None) -> list[Transition]:
    """The transitions this user may take now, ignoring form data."""
    return [t for t in transitions_from(case.status) if refusal(user, case, t, None, at) is None]


def apply(case_id: int, name: str, *, user, data: dict | None = None, at=None) -> CaseEvent:
    """Take transition `name` on the case. Raises TransitionError (Chinese) if refused."""
    t = BY_NAME.get(name)
    if t is None:
        raise TransitionError("未知的办理操作")
    data = dict(data or {})
    at = at or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        problem = refusal(user, case, t, data, at)
        if problem is None:
            missing = [f for f in t.requires if data.get(f) in (None, "", [])]
            if missing:
                problem = "请填写：" + "、".join(effects.FIELD_LABELS.get(f, f) for f in missing)
        if problem is None:
            problem = effects.validate(t.name, case, data, at, user)
        if problem:
            raise TransitionError(problem)
        staff = user if user is not None and user is not PETITIONER else None
        seat = seat_for(staff, case, t.roles, t.relation) if staff is not None else None
        actor_org_id = seat.org_id if seat else case.current_org_id
        if user is PETITIONER:
            data.setdefault("source", "self")
        from_status = case.status
        try:
            outcome = effects.run(t.name, case, data, at=at, user=staff, actor_org_id=actor_org_id)
            _move_clocks(case, t, outcome, at)
        except clocks.ClockError as e:
            raise TransitionError(str(e)) from None
        to_status = t.target or from_status
        if to_status != from_status:
            case.status = to_status
        case.save(update_fields=["status", "current_org", "simple_procedure", "merged_into",
                                 "is_level_skipping", "updated_at"])
        event = record_event(
            case, t.name, actor=staff, org_id=actor_org_id, at=at,
            from_status=from_status if to_status != from_status else "",
            to_status=to_status if to_status != from_status else "",
            note=outcome.note, payload=outcome.payload, is_public=outcome.public if outcome.public is not None
            else t.public,
        )
        effects.after_event(t, case, event, outcome)
        clocks.refresh_next_due(case)
        return event


def _move_clocks(case: Case, t: Transition, outcome: "effects.Outcome", at) -> None:
    for kind in t.stops:
        clocks.stop_clock(case, kind, at=at)
    for kind in t.cancels:
        clocks.cancel_clock(case, kind, at=at)
    for kind in t.pauses:
        clocks.pause_clock(case, kind, at=at)
    for kind in t.resumes:
        clocks.resume_clock(case, kind, at=at)
    for kind in outcome.starts if outcome.starts is not None else t.starts:
        clocks.start_clock(case, kind, at=at, amount=outcome.amounts.get(kind))

"""Writing the timeline. Labels are what staff and petitioners read."""

from django.utils import timezone

from .models import Case, CaseEvent

ACTION_LABELS = {
    "register": "登记",
    "repeat": "重复信访件并入",
    "attach": "上传附件",
}


def record_event(
    case: Case,
    action: str,
    *,
    actor=None,
    org=None,
    note: str = "",
    payload: dict | None = None,
    is_public: bool = False,
    from_status: str = "",
    to_status: str = "",
    at=None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        actor=actor,
        org=org,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        payload=payload or {},
        is_public=is_public,
    )

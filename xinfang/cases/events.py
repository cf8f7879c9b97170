"""Writing the timeline. Labels are what staff and petitioners read."""

from django.utils import timezone

from xinfang.lib.dbinsert import insert

from .models import Case, CaseEvent

# Actions that are not transitions of the procedure table.
OTHER_LABELS = {
    "register": "登记",
    "repeat": "重复信访件并入",
    "repeat_refused": "重复信访不再受理",
    "repeat_declined_above": "下级正在办理，不予受理",
    "attach": "上传附件",
    "urgent_alert": "重大紧急事项报告",
    "level_skipping": "越级走访提示",
    "extend": "延期",
    "clock_recomputed": "期限重新计算",
    "publish": "信访公开",
    "withdraw_publication": "撤回公开",
}


def action_label(action: str) -> str:
    from .workflow import BY_NAME

    t = BY_NAME.get(action)
    return t.label if t else OTHER_LABELS.get(action, action)


def record_event(
    case: Case,
    action: str,
    *,
    actor=None,
    org=None,
    org_id: int | None = None,
    note: str = "",
    payload: dict | None = None,
    is_public: bool = False,
    from_status: str = "",
    to_status: str = "",
    at=None,
) -> CaseEvent:
    return insert(CaseEvent(
        case=case,
        at=at or timezone.now(),
        actor=actor,
        org_id=org.pk if org is not None else org_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        payload=payload or {},
        is_public=is_public,
    ))

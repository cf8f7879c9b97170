"""Message templates for staff reminders, seeded as editable MessageTemplate rows.

They carry the case number and dates only — never anything about the
petitioner: an SMS or e-mail leaves the government network."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StaffTemplate:
    name: str
    channel: str
    body: str


STAFF_TEMPLATES: dict[str, StaffTemplate] = {
    "staff_deadline": StaffTemplate(
        "期限提醒（工作人员短信）", "sms",
        "信访事项{number}的{clock}期限{when}（期满日{due}），请登录阳光信访信息系统及时办理。"),
    "staff_deadline_email": StaffTemplate(
        "期限提醒（工作人员邮件）", "email",
        "您好：\n信访事项{number}的{clock}期限{when}（期满日{due}）。\n请登录阳光信访信息系统及时办理。\n"
        "（本邮件由系统自动发送，请勿回复）"),
    "staff_daily_digest": StaffTemplate(
        "每日办理提醒汇总（邮件）", "email",
        "您好：\n截至{date}，{org}：已超期{overdue}件，三日内届满{due_soon}件，昨日新收{new}件，"
        "待反馈督办单{orders}件。\n请登录阳光信访信息系统查看督查督办页面。\n（本邮件由系统自动发送，请勿回复）"),
    "staff_supervision_order": StaffTemplate(
        "督办通知（工作人员邮件）", "email",
        "您好：\n{issuer}{action}督办单{order}，反馈期限{deadline}。\n请登录阳光信访信息系统查看并按期反馈。\n"
        "（本邮件由系统自动发送，请勿回复）"),
}


def seed_staff_templates(model, using: str = "default") -> int:
    """Create the staff templates that do not exist yet (edits by staff are kept)."""
    existing = set(model.objects.using(using).filter(key__in=STAFF_TEMPLATES).values_list("key", flat=True))
    rows = [model(key=key, name=t.name, body=t.body, channel=t.channel)
            for key, t in STAFF_TEMPLATES.items() if key not in existing]
    model.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    return len(rows)

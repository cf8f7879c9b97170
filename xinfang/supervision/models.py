"""When staff are reminded of a statutory time limit, and which reminders have gone out."""

from django.core.exceptions import ValidationError
from django.db import models

from xinfang.rules.kinds import ClockKind


def parse_days_before(value: str) -> list[int]:
    """"3,0" → [3, 0]; raises ValueError on anything but non-negative integers."""
    days = [int(part) for part in value.replace("，", ",").split(",") if part.strip()]
    if any(d < 0 for d in days):
        raise ValueError("negative offset")
    return sorted(set(days), reverse=True)


class ReminderRule(models.Model):
    """For one kind of clock: remind the handling org N calendar days before the
    due date (0 = on the due day), and every day once it is overdue."""

    clock_kind = models.CharField("期限种类", max_length=20, choices=ClockKind.choices, unique=True)
    days_before = models.CharField("提前提醒天数", max_length=50, default="3,0", blank=True,
                                   help_text="自然日，用逗号分隔；0 表示期满当日提醒。如：3,0")
    daily_when_overdue = models.BooleanField("超期后每日催办", default=True)
    # SMS / e-mail go out for the points before the due time, on the due day and on
    # the first overdue day; the later daily overdue reminders stay in-app (the
    # daily digest carries them), so nobody gets fifty texts a morning.
    send_sms = models.BooleanField("同时发送短信", default=False,
                                   help_text="向登记了手机号码的承办人、领导发送短信（仅含事项编号和期满日）")
    send_email = models.BooleanField("同时发送电子邮件", default=False,
                                     help_text="向登记了电子邮箱的承办人、领导发送邮件（仅含事项编号和期满日）")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "期限提醒规则"
        verbose_name_plural = "期限提醒规则"
        ordering = ["clock_kind"]

    def __str__(self) -> str:
        return f"{self.get_clock_kind_display()}期限提醒"

    @property
    def offsets(self) -> list[int]:
        # A bad value saved around the admin form must not stop every other reminder.
        try:
            return parse_days_before(self.days_before)
        except ValueError:
            return []

    def clean(self) -> None:
        try:
            parse_days_before(self.days_before)
        except ValueError:
            raise ValidationError({"days_before": "请填写非负整数，用逗号分隔，如：3,0"}) from None


class ReminderLog(models.Model):
    """One reminder sent for one clock. The unique (clock, key) row is the claim:
    whichever worker inserts it sends the reminder, every other worker skips."""

    clock = models.ForeignKey("rules.Clock", verbose_name="期限", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("提醒点", max_length=40, help_text="before:3、due、overdue:2026-11-27")
    fired_at = models.DateTimeField("提醒时间")
    recipients = models.PositiveIntegerField("通知人数", default=0)
    # Which sweep inserted the row: the set-based sweep writes the notifications
    # for exactly the rows its own INSERT claimed by selecting on this token.
    batch = models.CharField(max_length=32, blank=True, default="", db_index=True, editable=False)

    class Meta:
        verbose_name = "期限提醒记录"
        verbose_name_plural = "期限提醒记录"
        ordering = ["-fired_at"]
        constraints = [models.UniqueConstraint(fields=["clock", "key"], name="reminder_once_per_clock_key")]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.key}"


from .models_orders import (  # noqa: E402,F401 - models Django must find in this module
    OPEN_ORDER_STATES,
    CirculatedNotice,
    DigestLog,
    EscalationLog,
    EscalationRule,
    OrderCounter,
    OrderStatus,
    StaffContact,
    SupervisionOrder,
    SupervisionUrge,
    UrgeChannel,
)

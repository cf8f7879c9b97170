"""In-app notifications for staff and the transactional outbox of notices to
petitioners. Both rows are written in the same transaction as the event they
report, so a notice exists exactly when its event does; delivery is the
worker's job."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac

from xinfang.lib.fields import EncryptedTextField
from xinfang.lib.masking import mask_phone

from .texts import BODY_MAX, check_body


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    text = models.CharField("内容", max_length=300)
    is_urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]


class OutboxState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class OutboxMessage(models.Model):
    """A notice to the petitioner (告知书 / SMS). `dedupe_key` makes queuing the
    same notice twice a no-op; `idempotency_key` (derived from it) makes sending
    it twice a no-op at a well-behaved provider.

    While a worker sends, the row stays `pending` but carries a short lease
    (`claimed_by`, `claimed_until`): other workers skip it until the lease
    lapses, so a crashed worker's messages are picked up again (see delivery.py)."""

    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    event = models.ForeignKey("cases.CaseEvent", null=True, on_delete=models.SET_NULL, related_name="+")
    template = models.CharField("通知类型", max_length=40)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.SMS)
    # Phone number or e-mail address, encrypted like all personal data.
    recipient = EncryptedTextField("接收人", blank=True)
    last_error = models.TextField("最近一次错误", blank=True)
    payload = models.JSONField(default=dict)
    # Unique by outbox_dedupe_key (Meta), without the LIKE index unique=True adds.
    dedupe_key = models.CharField(max_length=120)
    state = models.CharField("状态", max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    created_at = models.DateTimeField("生成时间")
    next_attempt_at = models.DateTimeField("下次发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送成功时间", null=True, blank=True)
    claimed_by = models.CharField("发送进程", max_length=100, blank=True)
    claimed_until = models.DateTimeField("占用截止", null=True, blank=True)
    provider_id = models.CharField("服务商消息编号", max_length=100, blank=True)

    class Meta:
        verbose_name = "待发通知"
        verbose_name_plural = "待发通知"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="outbox_dedupe_key")]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk}"

    @property
    def idempotency_key(self) -> str:
        """What the provider de-duplicates on: fixed for this row, so every
        resend carries the same key; derived with SECRET_KEY from the row's id,
        dedupe key and creation time, so two deployments sharing one provider
        account (city and county systems), or a database restored over an old
        one, never produce the same key, and the provider sees no internal ids."""
        micros = int(self.created_at.timestamp() * 1_000_000)
        raw = f"{self.pk}|{self.dedupe_key}|{micros}"
        return "xf-" + salted_hmac("xinfang.notifications.idempotency", raw, algorithm="sha256").hexdigest()[:40]

    @property
    def masked_recipient(self) -> str:
        """For screens and logs: 138****5678, z***@example.com."""
        value = self.recipient or ""
        if self.channel == Channel.EMAIL:
            local, at, domain = value.partition("@")
            return f"{local[:1]}***{at}{domain}" if at else mask_phone(value)
        return mask_phone(value)


class MessageTemplate(models.Model):
    """The text of one kind of message, editable by staff in the admin. Read at
    send time, so an edit applies to every message not yet sent."""

    key = models.CharField("模板代码", max_length=40, unique=True)
    channel = models.CharField("适用渠道", max_length=10, choices=Channel.choices, default=Channel.SMS)
    name = models.CharField("模板名称", max_length=50)
    body = models.TextField("通知内容", max_length=BODY_MAX)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "通知模板"
        verbose_name_plural = "通知模板"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name}（{self.key}）"

    def clean(self) -> None:
        problems = check_body(self.key, self.body)
        if problems:
            raise ValidationError({"body": problems})

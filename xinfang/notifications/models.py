"""In-app notifications for staff and the transactional outbox of notices to
petitioners. Both rows are written in the same transaction as the event they
report, so a notice exists exactly when its event does; delivery is the
worker's job."""

from django.conf import settings
from django.db import models

from xinfang.lib.fields import EncryptedTextField


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


class OutboxMessage(models.Model):
    """A notice to the petitioner (告知书 / SMS). `dedupe_key` makes queuing the
    same notice twice a no-op."""

    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox")
    event = models.ForeignKey("cases.CaseEvent", null=True, on_delete=models.SET_NULL, related_name="+")
    template = models.CharField("通知类型", max_length=40)
    channel = models.CharField(max_length=10, default="sms")  # sms | email
    # Phone number or e-mail address, encrypted like all personal data.
    recipient = EncryptedTextField("接收人", blank=True)
    last_error = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=120, unique=True)
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "待发通知"
        verbose_name_plural = "待发通知"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

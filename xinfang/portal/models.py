"""What the public portal keeps of its own: the SMS codes that prove a
petitioner holds the mobile number they give. Everything else a petition
makes (case, submission, petitioner) belongs to the cases app."""

from django.db import models


class PhoneVerification(models.Model):
    """One SMS code sent to one mobile number.

    Only a keyed hash of the code is stored (and the phone only as its blind
    index), so a copy of this table reveals neither. The latest row for a phone
    is the only valid code; it expires after 10 minutes, dies after 5 wrong
    tries, and is consumed by exactly one submission (`consumed_token` is that
    submission's client token, so a retried POST is recognised as the same one).
    """

    phone_index = models.CharField(max_length=64)  # indexed by portal_verification_latest
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=20, default="petition")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField("错误次数", default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    consumed_token = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["phone_index", "-created_at"], name="portal_verification_latest")]

    def __str__(self) -> str:
        return f"验证码 {self.created_at:%Y-%m-%d %H:%M}"

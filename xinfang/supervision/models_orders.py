"""督办 / 催办 / 通报 (issue 6 §3–4) and the rows that make the periodic jobs
idempotent: escalation claims and digest claims.

Imported by models.py so Django finds the models under the supervision app."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from xinfang.lib.fields import EncryptedTextField
from xinfang.rules.kinds import ClockKind


class StaffContact(models.Model):
    """A staff member's mobile number for SMS reminders. Kept here rather than on
    the user model (another app's), encrypted like all personal data. E-mail
    comes from the user's own `email`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="staff_contact")
    mobile = EncryptedTextField("手机号码", blank=True)
    wants_sms = models.BooleanField("接收短信提醒", default=True)
    wants_email = models.BooleanField("接收邮件提醒", default=True)

    class Meta:
        verbose_name = "工作人员联系方式"
        verbose_name_plural = "工作人员联系方式"

    def __str__(self) -> str:
        return str(self.user)


class EscalationRule(models.Model):
    """Overdue N days → the supervising bureau's supervisors are told and, if
    asked for, a 督办单 is drafted. Fires once per (case clock, rule)."""

    clock_kind = models.CharField("期限种类", max_length=20, choices=ClockKind.choices)
    overdue_days = models.PositiveIntegerField("超期天数", default=5, help_text="期满后超过该自然日数即升级")
    notify_supervisors = models.BooleanField("通知上级信访部门督查员", default=True)
    draft_order = models.BooleanField("自动起草督办单", default=True)
    order_days = models.PositiveIntegerField("督办单反馈期限（日）", default=7)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "超期升级规则"
        verbose_name_plural = "超期升级规则"
        ordering = ["clock_kind", "overdue_days"]
        constraints = [models.UniqueConstraint(fields=["clock_kind", "overdue_days"], name="escalation_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_clock_kind_display()}期限超期{self.overdue_days}日升级"


class EscalationLog(models.Model):
    """The claim for one escalation: whichever sweep inserts it escalates."""

    clock = models.ForeignKey("rules.Clock", verbose_name="期限", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(EscalationRule, verbose_name="规则", on_delete=models.CASCADE, related_name="+")
    fired_at = models.DateTimeField("升级时间")
    batch = models.CharField(max_length=32, default="", db_index=True, editable=False)

    class Meta:
        verbose_name = "超期升级记录"
        verbose_name_plural = "超期升级记录"
        constraints = [models.UniqueConstraint(fields=["clock", "rule"], name="escalation_once_per_clock_rule")]


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已下发"
    REPORTED = "reported", "已反馈"
    CLOSED = "closed", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_ORDER_STATES = (OrderStatus.ISSUED, OrderStatus.REPORTED)


class SupervisionOrder(models.Model):
    """督办单: a supervising bureau orders an org to act on a matter (or in
    general) by a deadline; the org reports back; the bureau closes it or sends
    it back for another report."""

    number = models.CharField("督办单编号", max_length=40, blank=True, help_text="下发时编号，如：督〔2026〕12号")
    org = models.ForeignKey("orgs.Org", verbose_name="督办对象", on_delete=models.PROTECT, related_name="supervision_orders")
    issued_by_org = models.ForeignKey("orgs.Org", verbose_name="督办单位", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name="信访事项", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="supervision_orders")
    title = models.CharField("督办事由", max_length=100)
    requirements = models.TextField("督办要求")
    deadline = models.DateField("反馈期限")
    status = models.CharField("状态", max_length=10, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    source = models.CharField("来源", max_length=20, default="manual",
                              choices=[("manual", "人工起草"), ("escalation", "超期自动起草")])
    # The escalation claim that drafted this order: unique, so one claim drafts one order.
    escalation = models.OneToOneField(EscalationLog, null=True, blank=True, editable=False,
                                      on_delete=models.SET_NULL, related_name="order")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("起草时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField("下发时间", null=True, blank=True)
    report_text = models.TextField("反馈情况", blank=True)
    report_attachment = models.FileField("反馈附件", upload_to="supervision/reports/%Y/%m/", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField("反馈时间", null=True, blank=True)
    rounds = models.PositiveSmallIntegerField("退回次数", default=0)
    return_note = models.TextField("退回意见", blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办结人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    close_note = models.TextField("办结意见", blank=True)
    # Last day an overdue report-back was reminded (the sweep claims it by a conditional update).
    overdue_reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="order_status_deadline")]

    def __str__(self) -> str:
        return self.number or f"督办单草稿 #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER_STATES

    def report_overdue(self, today) -> bool:
        return self.status == OrderStatus.ISSUED and self.deadline < today

    def clean(self) -> None:
        if self.org_id and self.org_id == self.issued_by_org_id:
            raise ValidationError({"org": "不能向本单位下发督办单"})


class OrderCounter(models.Model):
    """Serial numbers of 督办单 per issuing org and year."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="order_counter_unique")]


class UrgeChannel(models.TextChoices):
    SYSTEM = "system", "系统通知"
    SMS = "sms", "短信"
    PHONE = "phone", "电话"
    DOCUMENT = "document", "书面"


class SupervisionUrge(models.Model):
    """催办: one chase of an open order, by whom, when, how and with what words."""

    order = models.ForeignKey(SupervisionOrder, verbose_name="督办单", on_delete=models.CASCADE, related_name="urges")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="催办人", null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField("催办时间")
    text = models.TextField("催办内容")
    channel = models.CharField("方式", max_length=10, choices=UrgeChannel.choices, default=UrgeChannel.SYSTEM)

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        ordering = ["-at", "-id"]


class DigestLog(models.Model):
    """One daily digest per org and day; the unique row is the claim."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    date = models.DateField("日期")
    sent_at = models.DateTimeField("发送时间")
    counts = models.JSONField(default=dict)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "每日提醒汇总记录"
        verbose_name_plural = "每日提醒汇总记录"
        constraints = [models.UniqueConstraint(fields=["org", "date"], name="digest_once_per_org_day")]


class CirculatedNotice(models.Model):
    """通报: a generated notice ranking the orgs of a subtree for a period. The
    figures are frozen in `rows` so the document reads the same later."""

    scope_org = models.ForeignKey("orgs.Org", verbose_name="通报单位", on_delete=models.PROTECT, related_name="+")
    period_label = models.CharField("期间", max_length=40)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    title = models.CharField("标题", max_length=100)
    rows = models.JSONField("排名数据", default=list)
    min_volume = models.PositiveIntegerField("最少件数")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    generated_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return self.title

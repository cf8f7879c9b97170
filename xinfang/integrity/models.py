"""Flags raised by the integrity rules (idle spin 网上空转, level-skipping,
large groups) and the repeat links offered on a new submission.

Rows are written only through conditional inserts (``bulk_create(...,
ignore_conflicts=True)``) against the unique constraints below, so two workers
running the same rule at once never raise one thing twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.orgs.models import Org


class Rule(models.TextChoices):
    TEMPLATE_REPLY = "template_reply", "答复内容雷同"
    LAST_MINUTE_REPLY = "last_minute_reply", "临期答复且无办理记录"
    PING_PONG = "ping_pong", "来回转送"
    REPEAT_AFTER_REPLY = "repeat_after_reply", "答复后短期内重复信访"
    DISSATISFIED_UNCHANGED = "dissatisfied_unchanged", "不满意未整改即办结"
    PROXY_EVALUATIONS = "proxy_evaluations", "代评比例过高"
    LEVEL_SKIPPING = "level_skipping", "越级走访"
    GROUP = "group", "集体访"
    LARGE_SCALE = "large_scale", "大规模集体访"


IDLE_SPIN_RULES = frozenset({
    Rule.TEMPLATE_REPLY, Rule.LAST_MINUTE_REPLY, Rule.PING_PONG, Rule.REPEAT_AFTER_REPLY,
    Rule.DISSATISFIED_UNCHANGED, Rule.PROXY_EVALUATIONS,
})


class Flag(models.Model):
    """One finding of one rule: about a case (``case`` set) or about an org as a
    whole (``case`` empty, e.g. 代评). ``key`` names the evidence (the letter,
    the submission, the period) so the same finding is raised once; a case has
    at most one open flag per rule."""

    case = models.ForeignKey("cases.Case", verbose_name="信访事项", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="integrity_flags")
    org = models.ForeignKey(Org, verbose_name="责任单位", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="integrity_flags")
    rule = models.CharField("规则", max_length=30, choices=Rule.choices)
    key = models.CharField("证据标识", max_length=60, default="", blank=True)
    period = models.CharField("统计期", max_length=20, default="", blank=True)
    raised_at = models.DateTimeField("发现时间", db_index=True)
    explanation = models.TextField("说明")
    details = models.JSONField("证据", default=dict, blank=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolution_note = models.TextField("处理意见", blank=True)

    class Meta:
        verbose_name = "研判提示"
        verbose_name_plural = "研判提示"
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "case", "key"], condition=Q(case__isnull=False),
                                    name="flag_once_per_case_evidence"),
            models.UniqueConstraint(fields=["rule", "case"], condition=Q(case__isnull=False, resolved_at__isnull=True),
                                    name="flag_one_open_per_case_rule"),
            models.UniqueConstraint(fields=["rule", "org", "period"], condition=Q(case__isnull=True),
                                    name="flag_once_per_org_period"),
        ]
        indexes = [models.Index(fields=["rule", "resolved_at"], name="flag_rule_open")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.case_id or self.org_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class LinkState(models.TextChoices):
    OFFERED = "offered", "待确认"
    CONFIRMED = "confirmed", "已确认关联"
    REJECTED = "rejected", "不是重复"


class CaseLink(models.Model):
    """An earlier case offered as the same matter as ``case`` (重复信访), found by
    the same petitioner (blind index) and/or a very similar text in the same
    county. Staff confirm or reject it; nothing is merged automatically."""

    case = models.ForeignKey("cases.Case", verbose_name="信访事项", on_delete=models.CASCADE,
                             related_name="repeat_candidates")
    earlier = models.ForeignKey("cases.Case", verbose_name="疑似重复的在先事项", on_delete=models.CASCADE,
                                related_name="later_links")
    same_petitioner = models.BooleanField("同一信访人", default=False)
    score = models.FloatField("文本相似度", default=0.0)
    state = models.CharField("状态", max_length=10, choices=LinkState.choices, default=LinkState.OFFERED)
    created_at = models.DateTimeField("发现时间")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "重复信访关联"
        verbose_name_plural = "重复信访关联"
        ordering = ["-score", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "earlier"], name="case_link_once"),
            models.CheckConstraint(condition=~Q(case=models.F("earlier")), name="case_link_not_self"),
        ]

    @property
    def reason(self) -> str:
        parts = []
        if self.same_petitioner:
            parts.append("同一信访人")
        if self.score > 0:
            parts.append(f"内容相似度 {self.score:.2f}")
        return "，".join(parts)

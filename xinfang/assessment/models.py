"""Two-way evaluation (the handler's own view of the petition), third-party
call-backs on a random sample of replied cases, and the versioned scoring
schemes of 绩效网上考评."""

from django.conf import settings
from django.db import models

from xinfang.orgs.models import Org


class Verdict(models.TextChoices):
    REASONABLE = "reasonable", "合理"
    PARTLY = "partly", "部分合理"
    UNREASONABLE = "unreasonable", "不合理"


class HandlerAssessment(models.Model):
    """The handling org's assessment of the petition itself (诉求是否合理).
    Append-only: the latest row per (case, org) is the current one, earlier
    rows are its history."""

    case = models.ForeignKey("cases.Case", verbose_name="信访事项", on_delete=models.CASCADE,
                             related_name="handler_assessments")
    org = models.ForeignKey(Org, verbose_name="办理单位", on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField("诉求评估", max_length=20, choices=Verdict.choices)
    note = models.TextField("说明", blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评估人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("评估时间")

    class Meta:
        verbose_name = "办理单位评估"
        verbose_name_plural = "办理单位评估"
        ordering = ["case", "org", "-at", "-id"]
        indexes = [models.Index(fields=["case", "org", "-at"], name="assess_handler_case_org")]


class ThirdPartyEvaluator(models.Model):
    """A call-back evaluator. Deliberately no org seat: evaluators reach only
    their own call-back pages, never the staff case pages."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="third_party_evaluator")
    company = models.CharField("所属机构", max_length=100)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "第三方评议员"
        verbose_name_plural = "第三方评议员"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.company}"


class ThirdPartySample(models.Model):
    """A reproducible random sample of the cases replied in a period within a
    region: the same population, size and seed always draw the same cases."""

    region_code = models.CharField("区划代码", max_length=12)
    period_start = models.DateField("开始日期")
    period_end = models.DateField("结束日期")
    size = models.PositiveIntegerField("抽样数量")
    seed = models.BigIntegerField("随机种子")
    population = models.PositiveIntegerField("总体数量", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽样人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("抽样时间")

    class Meta:
        verbose_name = "第三方评议抽样"
        verbose_name_plural = "第三方评议抽样"
        ordering = ["-created_at", "-id"]
        permissions = [("manage_third_party", "可以组织第三方评议抽样")]


class SampledCase(models.Model):
    sample = models.ForeignKey(ThirdPartySample, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    evaluator = models.ForeignKey(ThirdPartyEvaluator, verbose_name="评议员", null=True, on_delete=models.SET_NULL,
                                  related_name="assignments")

    class Meta:
        verbose_name = "抽样事项"
        verbose_name_plural = "抽样事项"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["sample", "case"], name="sampled_case_once")]


class CallbackOutcome(models.TextChoices):
    REACHED = "reached", "已回访"
    UNREACHABLE = "unreachable", "无法联系"
    REFUSED = "refused", "拒绝评价"


class ThirdPartyEvaluation(models.Model):
    sampled = models.OneToOneField(SampledCase, on_delete=models.CASCADE, related_name="evaluation")
    case = models.ForeignKey("cases.Case", verbose_name="信访事项", on_delete=models.CASCADE,
                             related_name="third_party_evaluations")
    evaluator = models.ForeignKey(ThirdPartyEvaluator, verbose_name="评议员", on_delete=models.PROTECT,
                                  related_name="evaluations")
    outcome = models.CharField("回访结果", max_length=20, choices=CallbackOutcome.choices)
    rating = models.CharField("评价", max_length=30, blank=True,
                              choices=[("satisfied", "满意"), ("basically_satisfied", "基本满意"),
                                       ("dissatisfied", "不满意")])
    note = models.TextField("备注", blank=True)
    at = models.DateTimeField("回访时间")

    class Meta:
        verbose_name = "第三方评价"
        verbose_name_plural = "第三方评价"
        ordering = ["-at"]


class AssessmentScheme(models.Model):
    """One version of a scoring scheme. Editing writes a new version; old ones
    stay, so a past score can be recomputed with the weights it used."""

    code = models.SlugField("方案代码", max_length=40)
    version = models.PositiveIntegerField("版本")
    name = models.CharField("方案名称", max_length=100)
    effective_from = models.DateField("适用起始日期")
    effective_to = models.DateField("适用截止日期", null=True, blank=True)
    weights = models.JSONField("指标权重", default=dict)
    min_volume = models.PositiveIntegerField("参与排名的最少件数", default=10)
    note = models.TextField("修订说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制定人", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("制定时间")

    class Meta:
        verbose_name = "考评方案"
        verbose_name_plural = "考评方案"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="scheme_version_once")]
        permissions = [("manage_scheme", "可以制定和修改考评方案")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class RateTally(models.Model):
    """A month's counts behind one rate for one org and one county-level region,
    as computed by the rates engine at `TallyRun.computed_at`. A year of a city
    is then a sum over a few thousand narrow rows instead of joins over a
    million cases; drill-downs stay live."""

    month = models.DateField("月份")
    target = models.CharField("对象", max_length=10)
    key = models.CharField("指标", max_length=30)
    org_id = models.BigIntegerField("单位")
    region = models.CharField("县级区划", max_length=12)
    numerator = models.PositiveIntegerField("分子")
    denominator = models.PositiveIntegerField("分母")

    class Meta:
        verbose_name = "三率月度统计"
        verbose_name_plural = "三率月度统计"
        indexes = [models.Index(fields=["target", "month"], name="assess_tally_target_month")]


class TallyRun(models.Model):
    """One refresh of the monthly tallies: which months, as of when."""

    first_month = models.DateField()
    last_month = models.DateField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-computed_at"]

"""Rollup tables for the dashboard, the per-case facts they are summed from,
the watermark of the incremental fold, and the analysis reports.

Everything here is derived: `rebuild_rollups` can recompute it all from the
cases, clocks and evaluations. The fold (rollups.py) keeps it current by
re-deriving the facts of every case that has a new CaseEvent and adding the
difference to the rollups."""

from django.conf import settings
from django.db import models

# Rollup grains: one row per day, and one per month for ranges of whole months.
DAY, MONTH = "D", "M"
GRAINS = [(DAY, "日"), (MONTH, "月")]


class RollupMark(models.Model):
    """How far the fold has read the CaseEvent table. One row per name. `gaps`
    holds event ids below the mark that were not visible yet when it was read
    (a transaction still open that took its id earlier): they are looked at
    again on the next folds, until they appear or grow old."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict, blank=True)  # {"event id": "first seen, ISO time"}
    folded_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "统计汇总进度"
        verbose_name_plural = "统计汇总进度"


class CaseFact(models.Model):
    """What one case contributes to the rollups, as last folded. Kept so that a
    change to the case (forwarded, reclassified, replied …) can take back the
    old contribution exactly before adding the new one."""

    case_id = models.BigIntegerField(primary_key=True)
    day = models.DateField()  # local registration date
    county = models.CharField(max_length=12)
    org_id = models.BigIntegerField()  # current org
    category_id = models.BigIntegerField()
    channel = models.CharField(max_length=10)
    is_repeat = models.BooleanField()
    is_group = models.BooleanField()
    headcount = models.PositiveIntegerField()
    # [[measure, month, org_id, outcome, due_day], …] — see facts.RateItem
    rate_items = models.JSONField(default=list)

    class Meta:
        verbose_name = "事项统计要素"
        verbose_name_plural = "事项统计要素"


class VolumeRollup(models.Model):
    """Cases registered, by period × county × current org × category × channel;
    each also summed over all orgs under org_id 0 (facts.ALL_ORGS)."""

    grain = models.CharField(max_length=1, choices=GRAINS)
    start = models.DateField()  # the day, or the first day of the month
    county = models.CharField(max_length=12)
    org_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    channel = models.CharField(max_length=10)
    cases = models.IntegerField(default=0)
    repeat_cases = models.IntegerField(default=0)
    group_cases = models.IntegerField(default=0)
    headcount = models.IntegerField(default=0)

    KEY = ("grain", "start", "county", "org_id", "category_id", "channel")
    MEASURES = ("cases", "repeat_cases", "group_cases", "headcount")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grain", "start", "county", "org_id", "category_id", "channel"],
                                               name="analytics_volume_key")]
        indexes = [
            models.Index(fields=["grain", "start", "county"], name="analytics_volume_period"),
            # Covering (PostgreSQL): the dashboard's scans become index-only, whatever the rows' order on disk.
            models.Index(fields=["grain", "org_id", "start", "county"], name="analytics_volume_cover",
                         include=["category_id", "channel", "cases", "repeat_cases", "group_cases", "headcount"]),
        ]


class RateRollup(models.Model):
    """The numerators and denominators of the three rates by month (of the
    deadline, or of the evaluation) × county × handling org × category ×
    channel × measure × outcome, each also summed over all orgs under org_id 0.
    Open deadlines keep their due day, so whether they are overdue can be
    decided when the figures are read."""

    month = models.DateField()
    county = models.CharField(max_length=12)
    org_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    channel = models.CharField(max_length=10)
    measure = models.CharField(max_length=20)  # accept / reply / satisfaction
    outcome = models.CharField(max_length=24)  # met / late / open, or the rating
    due_day = models.DateField()  # open deadlines: the due day; else the month
    n = models.IntegerField(default=0)

    KEY = ("month", "county", "org_id", "category_id", "channel", "measure", "outcome", "due_day")
    MEASURES = ("n",)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["month", "county", "org_id", "category_id", "channel", "measure", "outcome", "due_day"],
            name="analytics_rate_key")]
        indexes = [models.Index(fields=["org_id", "month", "county"], name="analytics_rate_cover",
                                include=["category_id", "channel", "measure", "outcome", "due_day", "n"]),
                   models.Index(fields=["outcome", "due_day"], name="analytics_rate_open")]


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", "月度"
    QUARTERLY = "quarterly", "季度"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "生成失败"


class Report(models.Model):
    """One 分析研判报告 for a kind, a period and a scope (an org's region).
    Unique per kind + period + scope: the scheduler and a user asking at the
    same time get the same report."""

    kind = models.CharField("类型", max_length=10, choices=ReportKind.choices)
    period = models.CharField("期间", max_length=7)  # 2026-09 or 2026-Q3
    scope_region = models.ForeignKey("orgs.Region", verbose_name="统计范围", on_delete=models.PROTECT,
                                     related_name="+")
    org = models.ForeignKey("orgs.Org", verbose_name="编制单位", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    error = models.TextField("错误", blank=True)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    xlsx = models.FileField(upload_to="reports/%Y/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "分析研判报告"
        verbose_name_plural = "分析研判报告"
        ordering = ["-period", "kind", "scope_region_id"]
        constraints = [models.UniqueConstraint(fields=["kind", "period", "scope_region"],
                                               name="analytics_report_unique")]

    def __str__(self) -> str:
        return f"{self.title}"

    @property
    def title(self) -> str:
        from .periods import report_period_label

        return f"{self.scope_region.name}{report_period_label(self.kind, self.period)}信访形势分析研判报告"

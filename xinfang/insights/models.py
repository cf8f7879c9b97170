"""Weekly rollups that make hotspots, surges and forecasts fast on a million
cases, the cursor that fills them, and urgent-content alerts.

Rollups are keyed by the Monday of the registration week (Asia/Shanghai) and
the region of the issue cut to county level (the first 6 digits of the code;
shorter codes — a city-wide issue — are kept as they are). Volumes are kept
per county only (a scope reads a code range, few rows); phrase counts, much
more numerous, also per city and province (a scope reads its own key)."""

from django.db import models


class TermWeek(models.Model):
    """How many cases registered in this week and region mention this phrase.
    Kept at three levels — province (2 digits), city (4) and county (6) — so
    a scope reads its own rows by equality; never sum over a code range."""

    week = models.DateField()
    region = models.CharField(max_length=12)
    term = models.CharField(max_length=24)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "region", "term"], name="termweek_unique")]
        indexes = [models.Index(fields=["region", "week"], name="termweek_region_week")]


class TermTotal(models.Model):
    """Cases mentioning the phrase over the whole corpus: the IDF of hotspots."""

    term = models.CharField(max_length=24, primary_key=True)
    count = models.PositiveIntegerField(default=0)


class VolumeWeek(models.Model):
    """Cases registered per week, county and content category (leaf)."""

    week = models.DateField()
    region = models.CharField(max_length=12)
    category_id = models.IntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "region", "category_id"], name="volumeweek_unique")
        ]
        indexes = [models.Index(fields=["region", "week"], name="volumeweek_region_week")]


class RollupCursor(models.Model):
    """High-water mark: every case with id <= last_case_id is counted once."""

    name = models.CharField(max_length=40, primary_key=True)
    last_case_id = models.BigIntegerField(default=0)
    cases_counted = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class AlertKind(models.TextChoices):
    SELF_HARM = "self_harm", "扬言自伤自杀"
    VIOLENCE = "violence", "扬言暴力报复"
    GATHERING = "gathering", "扬言聚集上访"
    EXTREME = "extreme", "扬言极端行为"


class AlertLevel(models.TextChoices):
    RED = "red", "红色（高）"
    ORANGE = "orange", "橙色（中）"


class Alert(models.Model):
    """An urgent-content alert raised on one submission. One per submission
    (the unique constraint makes a re-sent signal a no-op)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="insight_alerts")
    submission = models.OneToOneField("cases.Submission", on_delete=models.CASCADE, related_name="insight_alert")
    kind = models.CharField("类别", max_length=20, choices=AlertKind.choices)
    level = models.CharField("等级", max_length=10, choices=AlertLevel.choices)
    # The matched words and the clause around each (no personal data beyond
    # what the case text itself holds; shown only to those who see the case).
    matches = models.JSONField(default=list)
    notified = models.PositiveIntegerField("通知人数", default=0)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "扬言预警"
        verbose_name_plural = "扬言预警"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.case_id}"

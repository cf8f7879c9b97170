"""The work calendar, local rule sets and the clocks running on cases.

The statutory rules themselves are code (rulesets.py) because they are law; what
a city may change (a tighter local rule set) and what changes every year (the
State Council holiday notice) are rows."""

from django.core.exceptions import ValidationError
from django.db import models

from .kinds import OPEN_STATES, ClockKind, ClockState, DayKind, Unit


class WorkCalendar(models.Model):
    """One date that differs from the normal Monday–Friday week: a statutory
    holiday (possibly on a weekend inside the holiday span) or a 调休 weekend
    day on which people work."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称", max_length=50, help_text="如：春节、国庆节、春节调休")
    source = models.CharField("来源", max_length=200, help_text="如：chinese-calendar、国务院办公厅通知文号、manual")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        if self.kind == DayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"kind": f"{self.date} 本来就是工作日，不能登记为调休上班日"})


class CalendarYear(models.Model):
    """A year whose holiday notice has been entered. Outside these years the
    calendar only knows weekends, and every due date says so."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    is_complete = models.BooleanField("已完整录入", default=True)
    source = models.CharField("来源", max_length=200)
    notice = models.TextField("通知内容", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class RuleSet(models.Model):
    """A local rule set: a built-in one ("2022" or "2005") with some limits
    tightened, e.g. 无锡 disposes within 7 days instead of 15."""

    code = models.SlugField("代码", max_length=20, unique=True, help_text="如：wuxi；不能使用 2022、2005")
    name = models.CharField("名称", max_length=100)
    base = models.CharField("基础规则", max_length=10, choices=[("2022", "《信访工作条例》（2022）"),
                                                               ("2005", "《信访条例》（2005）")])
    overrides = models.JSONField(
        "从严规定", default=dict, blank=True,
        help_text='按期限种类填写，如 {"dispose": {"amount": 7, "article": "《无锡市信访事项办理规定》第八条"}}；'
                  "只能缩短期限，不能放宽",
    )
    description = models.TextField("说明", blank=True)
    region = models.ForeignKey("orgs.Region", verbose_name="适用区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text="该区划及其下级登记的信访事项适用本规则")
    effective_from = models.DateField("施行日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "地方规则"
        verbose_name_plural = "地方规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .rulesets import BUILTIN, override_errors

        if self.code in BUILTIN:
            raise ValidationError({"code": f"代码「{self.code}」是内置规则，请换一个"})
        if self.base not in BUILTIN:
            return  # the choices validation reports it
        errors = override_errors(self.base, self.overrides)
        if errors:
            raise ValidationError({"overrides": errors})


class Clock(models.Model):
    """One statutory time limit on a case. Written only through clocks.py."""

    case = models.ForeignKey("cases.Case", verbose_name="信访事项", on_delete=models.CASCADE,
                             related_name="clocks")
    kind = models.CharField("期限种类", max_length=20, choices=ClockKind.choices)
    rule_set = models.CharField("适用规则", max_length=20)
    article = models.CharField("依据", max_length=200)
    started_at = models.DateTimeField("起算时间")
    start_date = models.DateField("起算日")
    amount = models.PositiveIntegerField("期限")
    unit = models.CharField("计算单位", max_length=20, choices=Unit.choices)
    extend_if_day_off = models.BooleanField("期满遇休息日顺延", default=True)
    extended_days = models.PositiveIntegerField("已延期天数", default=0)
    due_date = models.DateField("期满日")
    due_at = models.DateTimeField("期满时间")
    state = models.CharField("状态", max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    paused_at = models.DateTimeField("中止时间", null=True, blank=True)
    paused_days_total = models.PositiveIntegerField("中止天数", default=0)
    stopped_at = models.DateTimeField("结束时间", null=True, blank=True)
    explanation = models.JSONField("计算说明", default=list)
    warnings = models.JSONField("提示", default=list)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "期限"
        verbose_name_plural = "期限"
        ordering = ["due_at"]
        constraints = [
            # One open clock per kind and case: every function in clocks.py is keyed by (case, kind).
            models.UniqueConstraint(fields=["case", "kind"], condition=models.Q(state__in=OPEN_STATES),
                                    name="clock_one_open_per_kind"),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="clock_state_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 至 {self.due_date}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

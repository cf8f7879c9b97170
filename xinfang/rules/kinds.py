"""The vocabulary of time limits: which clocks exist, how they count, what state they are in.

Kept apart from the rule tables and the models so both can import it without a cycle."""

from django.db import models


class ClockKind(models.TextChoices):
    DISPOSE = "dispose", "处理"
    ACCEPT = "accept", "受理告知"
    OBJECT = "object", "异议"
    HANDLE = "handle", "办理"
    EXTEND = "extend", "延期"
    SIMPLE = "simple", "简易办理"
    REPORT_BACK = "report_back", "交办报告"
    EVALUATE = "evaluate", "评价"
    REVIEW_REQUEST = "review_request", "复查申请"
    REVIEW = "review", "复查"
    REEXAMINE_REQUEST = "reexamine_request", "复核申请"
    REEXAMINE = "reexamine", "复核"


class Unit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", "日"
    WORKING_DAYS = "working_days", "个工作日"


class ClockState(models.TextChoices):
    RUNNING = "running", "计时中"
    PAUSED = "paused", "中止计算"
    MET = "met", "按期完成"
    MISSED = "missed", "超期完成"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED)


class DayKind(models.TextChoices):
    """What a WorkCalendar row says about a date that differs from the normal week."""

    HOLIDAY = "holiday", "法定节假日"
    WORKDAY = "workday", "调休上班"

"""Start, stop, pause and extend the statutory clocks of a case.

The workflow calls these inside its own transaction; each one is also atomic
on its own (a savepoint when nested) and locks the clock row it changes. Every
change appends a line to the clock's explanation, so a due date can always say
how it came to be, and ends by refreshing the case's denormalised
`next_due_at`. Time is an input: each function takes `at`."""

from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .calendar import LOCAL_TZ, Calendar, load_calendar, local_date
from .deadlines import UNIT_TEXT, Due, compute_due
from .kinds import OPEN_STATES, ClockKind, ClockState
from .models import Clock
from .rulesets import Rule, RuleError, get_rule


class ClockError(Exception):
    """A clock change the rules do not allow; the message is for the user."""


def end_of_day(d: date) -> datetime:
    # A period runs to the end of its last day, Beijing time.
    return datetime.combine(d, time(23, 59, 59), tzinfo=LOCAL_TZ)


def _aware(at: datetime) -> datetime:
    return at if timezone.is_aware(at) else at.replace(tzinfo=LOCAL_TZ)


def _label(clock: Clock) -> str:
    return ClockKind(clock.kind).label


def running_clocks(case) -> QuerySet[Clock]:
    """The case's open clocks (running or paused), soonest first."""
    return Clock.objects.filter(case_id=case.pk, state__in=OPEN_STATES).order_by("due_at")


def running_clock(case, kind: str, *, paused: bool | None = None) -> Clock | None:
    """The open clock of this kind, or None. `paused=False`: only if counting;
    `paused=True`: only if paused (for a hearing); None: either."""
    states = OPEN_STATES if paused is None else (ClockState.PAUSED if paused else ClockState.RUNNING,)
    return Clock.objects.filter(case_id=case.pk, kind=kind, state__in=states).first()


def add_days(at: date | datetime, days: int, *, unit: str = "calendar_days") -> date:
    """The due date `days` after `at` under the current calendar, for limits set by
    hand that are not clocks (e.g. a report-back date written on an assignment)."""
    return compute_due(at, days, unit, load_calendar()).due


def refresh_next_due(case) -> None:
    """Case.next_due_at = the earliest due time of the running clocks. A paused
    clock is not ticking, so it does not count."""
    from xinfang.cases.models import Case

    nxt = (Clock.objects.filter(case_id=case.pk, state=ClockState.RUNNING)
           .order_by("due_at").values_list("due_at", flat=True).first())
    Case.objects.filter(pk=case.pk).update(next_due_at=nxt)
    case.next_due_at = nxt


def due_for(clock: Clock, calendar: Calendar) -> Due:
    """The clock's due date from scratch: its amount plus approved extensions plus
    paused days, counted from its start under the given calendar. Extensions and
    hearing days are calendar days; only calendar-day rules are extendable or
    pausable, and a local rule set cannot turn them into working days."""
    total = clock.amount + clock.extended_days + clock.paused_days_total
    unit = UNIT_TEXT[clock.unit]
    parts = [f"{clock.amount}{unit}"]
    if clock.extended_days:
        parts.append(f"延期{clock.extended_days}日")
    if clock.paused_days_total:
        parts.append(f"听证{clock.paused_days_total}日不计入")
    label = f"{' + '.join(parts)} = {total}{unit}" if len(parts) > 1 else None
    return compute_due(clock.started_at, total, clock.unit, calendar, extend_if_day_off=clock.extend_if_day_off,
                       start_label="开始计时", amount_label=label)


def _apply(clock: Clock, due: Due) -> None:
    clock.due_date = due.due
    clock.due_at = end_of_day(due.due)
    clock.warnings = due.warnings


def _open_clock(case, kind: str) -> Clock | None:
    return Clock.objects.select_for_update().filter(case_id=case.pk, kind=kind, state__in=OPEN_STATES).first()


def _require_open(case, kind: str) -> Clock:
    clock = _open_clock(case, kind)
    if clock is None:
        name = ClockKind(kind).label if kind in ClockKind.values else kind
        raise ClockError(f"该信访事项没有正在计时的「{name}」期限")
    return clock


def _amount(rule: Rule, amount: int | None) -> int:
    if amount is None:
        if rule.amount is None:
            raise ClockError(f"「{rule.name}」期限须由交办单位指定天数")
        return rule.amount
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ClockError(f"「{rule.name}」期限天数须为正整数")
    if rule.amount is not None and amount > rule.amount and not rule.configurable:
        raise ClockError(f"指定的「{rule.name}」期限不得超过{rule.article}规定的{rule.limit_text}")
    return amount


def new_clock(kind: str, *, at: datetime, rule_set: str, amount: int | None = None) -> Clock:
    """The `kind` clock started at `at` under `rule_set`, due date computed, not
    yet saved or attached to a case. `amount` sets the days where the assigner
    decides (交办报告) or shortens a statutory limit; it may never lengthen one."""
    if kind == ClockKind.EXTEND:
        raise ClockError("延期不单独计时，请在办理期限上批准延期")
    try:
        rule = get_rule(rule_set, kind)
    except RuleError as e:
        raise ClockError(str(e)) from None
    days = _amount(rule, amount)
    at = _aware(at)
    due = compute_due(at, days, rule.unit, load_calendar(), extend_if_day_off=rule.extend_if_day_off,
                      start_label=rule.start_event)
    intro = f"{rule.name}期限：{days}{UNIT_TEXT[rule.unit]}（{rule.article}）"
    clock = Clock(kind=kind, rule_set=rule_set, article=rule.article, started_at=at,
                  start_date=local_date(at), amount=days, unit=rule.unit, extend_if_day_off=rule.extend_if_day_off,
                  explanation=[intro, *due.explanation])
    _apply(clock, due)
    return clock


def start_clock(case, kind: str, *, at: datetime, rule_set: str | None = None, amount: int | None = None) -> Clock:
    """Start the `kind` clock of a case at `at`, under the case's rule set unless
    given. `amount` sets the days where the assigner decides (交办报告) or
    shortens a statutory limit; it may never lengthen one."""
    clock = new_clock(kind, at=at, rule_set=rule_set or case.rule_set, amount=amount)
    clock.case_id = case.pk
    try:
        with transaction.atomic():
            clock.save()
    except IntegrityError:
        raise ClockError(f"该信访事项已有正在计时的「{get_rule(clock.rule_set, kind).name}」期限") from None
    refresh_next_due(case)
    return clock


def stop_clock(case, kind: str, *, at: datetime) -> Clock | None:
    """The step the clock waited for was taken: met if by the due time, else missed.
    None if no such clock is open (stopping twice is harmless)."""
    at = _aware(at)
    with transaction.atomic():
        clock = _open_clock(case, kind)
        if clock is None:
            return None
        if clock.state == ClockState.PAUSED:
            _resume(clock, at)
        day = local_date(at)
        if at <= clock.due_at:
            clock.state = ClockState.MET
            clock.explanation.append(f"{day} 完成，在期限（{clock.due_date}）内")
        else:
            clock.state = ClockState.MISSED
            late = max((day - clock.due_date).days, 1)
            clock.explanation.append(f"{day} 完成，超过期限（{clock.due_date}）{late}日")
        clock.stopped_at = at
        clock.save()
        refresh_next_due(case)
    return clock


def cancel_clock(case, kind: str, *, at: datetime) -> Clock | None:
    """The clock no longer applies (e.g. the case was withdrawn or sent elsewhere)."""
    at = _aware(at)
    with transaction.atomic():
        clock = _open_clock(case, kind)
        if clock is None:
            return None
        clock.state = ClockState.CANCELLED
        clock.stopped_at = at
        clock.paused_at = None
        clock.explanation.append(f"{local_date(at)} 撤销计时")
        clock.save()
        refresh_next_due(case)
    return clock


def pause_clock(case, kind: str, *, at: datetime, reason: str = "举行听证") -> Clock:
    """Stop counting while a hearing runs (复核: 听证所需时间不计算在期限内)."""
    at = _aware(at)
    with transaction.atomic():
        clock = _require_open(case, kind)
        rule = get_rule(clock.rule_set, kind)
        if not rule.pausable:
            raise ClockError(f"「{rule.name}」期限不能中止计算；只有复核听证所需时间不计入期限")
        if clock.state == ClockState.PAUSED:
            raise ClockError(f"「{rule.name}」期限已经中止计算")
        clock.state = ClockState.PAUSED
        clock.paused_at = at
        clock.explanation.append(f"{local_date(at)} {reason}，中止计算")
        clock.save()
        refresh_next_due(case)
    return clock


def _resume(clock: Clock, at: datetime) -> None:
    assert clock.paused_at is not None
    first, last = local_date(clock.paused_at), local_date(at)
    # Both the day the hearing began and the day it ended are taken by it.
    days = max((last - first).days + 1, 1)
    old = clock.due_date
    clock.paused_days_total += days
    _apply(clock, due_for(clock, load_calendar()))
    clock.state = ClockState.RUNNING
    clock.paused_at = None
    span = f"{first}" if first == last else f"{first} 至 {last}"
    clock.explanation.append(f"{last} 恢复计算：{span} 听证所需时间{days}日不计入期限，期限由 {old} 顺延至 {clock.due_date}")


def resume_clock(case, kind: str, *, at: datetime) -> Clock:
    """Count again after a hearing; the due date moves by the paused calendar days."""
    at = _aware(at)
    with transaction.atomic():
        clock = _require_open(case, kind)
        if clock.state != ClockState.PAUSED:
            raise ClockError(f"「{_label(clock)}」期限未中止计算，无需恢复")
        _resume(clock, at)
        clock.save()
        refresh_next_due(case)
    return clock


def extend_clock(case, kind: str, days: int, *, at: datetime, reason: str) -> Clock:
    """A leader approved an extension before expiry: add `days` (in total at most
    the "extend" rule's 30 days) to the handling clock."""
    at = _aware(at)
    with transaction.atomic():
        clock = _require_open(case, kind)
        rule = get_rule(clock.rule_set, kind)
        limit = get_rule(clock.rule_set, ClockKind.EXTEND)
        if not rule.extendable:
            raise ClockError(f"「{rule.name}」期限不能延期")
        if not reason or not reason.strip():
            raise ClockError("请填写延期理由（须告知信访人）")
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ClockError("延期天数须为正整数")
        if at > clock.due_at:
            raise ClockError(f"「{rule.name}」期限已于 {clock.due_date} 届满，不能再延期（须在期限届满前批准）")
        left = (limit.amount or 0) - clock.extended_days
        if days > left:
            raise ClockError(f"延长期限不得超过{limit.amount}日（{limit.article}）；"
                             f"已延期{clock.extended_days}日，最多还可延期{max(left, 0)}日")
        old = clock.due_date
        clock.extended_days += days
        _apply(clock, due_for(clock, load_calendar()))
        clock.explanation.append(f"{local_date(at)} 经批准延期{days}日（理由：{reason.strip()}；{limit.article}），"
                                 f"期限由 {old} 调整为 {clock.due_date}")
        clock.save()
        refresh_next_due(case)
    return clock


def recompute_running_clocks(reason: str, *, at: datetime | None = None) -> int:
    """After the holiday table changed: recompute every open clock's due date
    under the current calendar and say why it moved. Returns how many moved."""
    from xinfang.cases.models import Case

    at = _aware(at or timezone.now())
    today = local_date(at)
    calendar = load_calendar()
    moved: list[Clock] = []
    touched: list[Clock] = []
    with transaction.atomic():
        for clock in Clock.objects.select_for_update().filter(state__in=OPEN_STATES).order_by("pk"):
            due = due_for(clock, calendar)
            if due.due != clock.due_date:
                old = clock.due_date
                clock.explanation.append(f"{today} 节假日安排更新（{reason}）：期限由 {old} 调整为 {due.due}")
                clock.explanation.extend(due.explanation[1:])
                _apply(clock, due)
                moved.append(clock)
            elif due.warnings != clock.warnings:
                clock.warnings = due.warnings
                touched.append(clock)
        Clock.objects.bulk_update(moved, ["due_date", "due_at", "explanation", "warnings"], batch_size=500)
        Clock.objects.bulk_update(touched, ["warnings"], batch_size=500)
        for case_id in sorted({c.case_id for c in moved}):
            refresh_next_due(Case(pk=case_id))
    return len(moved)

"""督办单 actions: draft → issue → report back → close (or send back) · withdraw · 催办.

Each action is one atomic function that checks who may take it and the order's
state with a conditional UPDATE (two supervisors clicking at once cannot both
issue), writes the internal case event when the order concerns a case, and
queues its notices in the same transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from xinfang.cases.events import record_event
from xinfang.notifications.models import Notification
from xinfang.orgs.models import Membership, Org, Role

from .models import OrderCounter, OrderStatus, SupervisionOrder, SupervisionUrge, UrgeChannel
from .remote import queue_staff_message
from .scope import is_issuer_side, is_ordered_side, may_order

ORG_ROLES = (Role.HANDLER, Role.LEADER)
MAX_TEXT = 2000


def next_order_number(org: Org, year: int) -> str:
    """督〔2026〕12号 — serial per issuing bureau and year, handed out inside the
    issuing transaction (an UPDATE … RETURNING, as case numbers are)."""
    table = connection.ops.quote_name(OrderCounter._meta.db_table)
    sql = f"UPDATE {table} SET last_value = last_value + 1 WHERE org_id = %s AND year = %s RETURNING last_value"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, [org.pk, year])
        row = cur.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    OrderCounter.objects.create(org=org, year=year, last_value=0)
            except IntegrityError:
                pass
            cur.execute(sql, [org.pk, year])
            row = cur.fetchone()
    prefix = (org.short_name or "督")[:6]
    return f"{prefix}〔{year}〕{row[0]}号"


def _members(org_id: int, roles=ORG_ROLES) -> list[int]:
    return list(Membership.objects.filter(org_id=org_id, role__in=roles, is_active=True, user__is_active=True)
                .values_list("user_id", flat=True).distinct())


def _notify(user_ids, order: SupervisionOrder, text: str, now: datetime, *, urgent: bool = False,
            action: str = "", dedupe: str = "") -> None:
    user_ids = list(dict.fromkeys(user_ids))
    Notification.objects.bulk_create(
        Notification(user_id=u, case_id=order.case_id, kind="supervision", text=text[:300], is_urgent=urgent,
                     created_at=now) for u in user_ids)
    if action:
        queue_staff_message(user_ids, template_sms=None, template_email="staff_supervision_order",
                            payload={"issuer": order.issued_by_org.name, "action": action, "order": order.number,
                                     "deadline": f"{order.deadline:%Y年%-m月%-d日}"},
                            dedupe=dedupe or f"order:{order.pk}:{action}", now=now)


def _event(order: SupervisionOrder, action: str, actor, org_id: int, note: str, now: datetime) -> None:
    if order.case is not None:
        record_event(order.case, action, actor=actor, org_id=org_id, note=note[:500],
                     payload={"order_id": order.pk, "number": order.number}, is_public=False, at=now)


def _clean_text(value: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"请填写{label}")
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{label}不能超过{MAX_TEXT}字")
    return value


def _check_deadline(deadline: date | None, today: date) -> date:
    if deadline is None:
        raise ValidationError("请填写反馈期限")
    if deadline < today:
        raise ValidationError("反馈期限不能早于今天")
    return deadline


def draft_order(*, user, issuer: Org, org: Org, title: str, requirements: str, deadline: date | None,
                case=None, now: datetime | None = None) -> SupervisionOrder:
    now = now or timezone.now()
    if not may_order(user, org, issuer):
        raise PermissionDenied("您无权向该单位下发督办单")
    title = _clean_text(title, "督办事由")[:100]
    requirements = _clean_text(requirements, "督办要求")
    deadline = _check_deadline(deadline, timezone.localdate(now))
    return SupervisionOrder.objects.create(org=org, issued_by_org=issuer, case=case, title=title,
                                           requirements=requirements, deadline=deadline, created_by=user,
                                           created_at=now)


def _move(order: SupervisionOrder, frm, **changes) -> bool:
    """Conditional state change: True only for the one caller that made it."""
    frm = frm if isinstance(frm, (list, tuple)) else [frm]
    return bool(SupervisionOrder.objects.filter(pk=order.pk, status__in=frm).update(**changes))


@transaction.atomic
def issue_order(order: SupervisionOrder, *, user, requirements: str | None = None, deadline: date | None = None,
                now: datetime | None = None) -> SupervisionOrder:
    now = now or timezone.now()
    if not is_issuer_side(user, order) or not may_order(user, order.org, order.issued_by_org):
        raise PermissionDenied("您无权签发该督办单")
    requirements = _clean_text(requirements if requirements is not None else order.requirements, "督办要求")
    deadline = _check_deadline(deadline or order.deadline, timezone.localdate(now))
    number = next_order_number(order.issued_by_org, timezone.localdate(now).year)
    if not _move(order, OrderStatus.DRAFT, status=OrderStatus.ISSUED, issued_at=now, issued_by=user, number=number,
                 requirements=requirements, deadline=deadline):
        raise ValidationError("该督办单已不是草稿，无法下发")
    order.refresh_from_db()
    _event(order, "supervise", user, order.issued_by_org_id, f"{order.issued_by_org.name}下发督办单{number}："
           f"{order.title}，要求于{order.deadline:%Y-%m-%d}前反馈", now)
    _notify(_members(order.org_id), order, f"{order.issued_by_org.name}向本单位下发督办单{number}（{order.title}），"
            f"请于{order.deadline:%Y-%m-%d}前反馈", now, urgent=True, action="下发了")
    return order


@transaction.atomic
def report_order(order: SupervisionOrder, *, user, text: str, attachment=None,
                 now: datetime | None = None) -> SupervisionOrder:
    now = now or timezone.now()
    if not is_ordered_side(user, order):
        raise PermissionDenied("只有督办对象单位的承办人或领导可以反馈")
    text = _clean_text(text, "反馈情况")
    changes = {"status": OrderStatus.REPORTED, "report_text": text, "reported_by": user, "reported_at": now}
    if not _move(order, OrderStatus.ISSUED, **changes):
        raise ValidationError("该督办单当前不需要反馈")
    if attachment is not None:
        order.refresh_from_db()
        order.report_attachment = attachment
        order.save(update_fields=["report_attachment"])
    order.refresh_from_db()
    _event(order, "supervise_report", user, order.org_id, f"{order.org.name}反馈督办单{order.number}：{text}", now)
    from .scope import supervisors_of

    issuers = supervisors_of(order.issued_by_org) + ([order.issued_by_id] if order.issued_by_id else [])
    _notify(issuers, order, f"{order.org.name}已反馈督办单{order.number}（{order.title}），请审核", now)
    return order


@transaction.atomic
def close_order(order: SupervisionOrder, *, user, note: str = "", now: datetime | None = None) -> SupervisionOrder:
    now = now or timezone.now()
    if not is_issuer_side(user, order):
        raise PermissionDenied("您无权办结该督办单")
    note = _clean_text(note, "办结意见", required=False)
    if not _move(order, OrderStatus.REPORTED, status=OrderStatus.CLOSED, closed_by=user, closed_at=now,
                 close_note=note):
        raise ValidationError("只有已反馈的督办单可以办结")
    order.refresh_from_db()
    _event(order, "supervise_close", user, order.issued_by_org_id, f"督办单{order.number}办结。{note}", now)
    _notify(_members(order.org_id), order, f"督办单{order.number}（{order.title}）已办结", now)
    return order


@transaction.atomic
def send_back_order(order: SupervisionOrder, *, user, note: str, deadline: date | None = None,
                    now: datetime | None = None) -> SupervisionOrder:
    """The report does not satisfy: back to 已下发 with a reason and, optionally, a new deadline."""
    now = now or timezone.now()
    if not is_issuer_side(user, order):
        raise PermissionDenied("您无权退回该督办单")
    note = _clean_text(note, "退回意见")
    new_deadline = _check_deadline(deadline, timezone.localdate(now)) if deadline else order.deadline
    if not _move(order, OrderStatus.REPORTED, status=OrderStatus.ISSUED, return_note=note, rounds=F("rounds") + 1,
                 deadline=new_deadline, overdue_reminded_on=None):
        raise ValidationError("只有已反馈的督办单可以退回")
    order.refresh_from_db()
    _event(order, "supervise_return", user, order.issued_by_org_id, f"督办单{order.number}反馈被退回：{note}", now)
    _notify(_members(order.org_id), order, f"督办单{order.number}的反馈被退回，请于{order.deadline:%Y-%m-%d}前重新反馈："
            f"{note}", now, urgent=True, action="退回了反馈，重新要求反馈", dedupe=f"order:{order.pk}:back:{order.rounds}")
    return order


@transaction.atomic
def withdraw_order(order: SupervisionOrder, *, user, now: datetime | None = None) -> SupervisionOrder:
    now = now or timezone.now()
    if not is_issuer_side(user, order):
        raise PermissionDenied("您无权撤回该督办单")
    was_issued = order.status != OrderStatus.DRAFT
    if not _move(order, [OrderStatus.DRAFT, OrderStatus.ISSUED], status=OrderStatus.WITHDRAWN, closed_by=user,
                 closed_at=now):
        raise ValidationError("该督办单已反馈或已办结，不能撤回")
    order.refresh_from_db()
    if was_issued:
        _event(order, "supervise_withdraw", user, order.issued_by_org_id, f"督办单{order.number}已撤回", now)
        _notify(_members(order.org_id), order, f"督办单{order.number}（{order.title}）已撤回", now)
    return order


@transaction.atomic
def urge_order(order: SupervisionOrder, *, user, text: str, channel: str = UrgeChannel.SYSTEM,
               now: datetime | None = None) -> SupervisionUrge:
    """催办: recorded, and the ordered org is told in-app (and by e-mail where it can be reached)."""
    now = now or timezone.now()
    if not is_issuer_side(user, order):
        raise PermissionDenied("您无权催办该督办单")
    if order.status != OrderStatus.ISSUED:
        raise ValidationError("只有已下发、尚未反馈的督办单可以催办")
    if channel not in UrgeChannel.values:
        raise ValidationError("催办方式不正确")
    text = _clean_text(text, "催办内容")
    urge = SupervisionUrge.objects.create(order=order, by=user, at=now, text=text, channel=channel)
    _event(order, "urge", user, order.issued_by_org_id, f"催办督办单{order.number}（{urge.get_channel_display()}）：{text}",
           now)
    _notify(_members(order.org_id), order, f"{order.issued_by_org.name}催办督办单{order.number}：{text}", now,
            urgent=True, action="催办了", dedupe=f"urge:{urge.pk}")
    return urge


def remind_overdue_reports(now: datetime | None = None) -> int:
    """Once a day per order, tell the ordered org (and the issuer) that a
    report-back is overdue. The claim is a conditional UPDATE of
    `overdue_reminded_on`: with two sweeps at once only one updates the row."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = SupervisionOrder.objects.filter(status=OrderStatus.ISSUED, deadline__lt=today).exclude(
        overdue_reminded_on__gte=today).select_related("issued_by_org")
    sent = 0
    for order in due[:1000]:
        with transaction.atomic():
            claimed = SupervisionOrder.objects.filter(pk=order.pk, status=OrderStatus.ISSUED).exclude(
                overdue_reminded_on__gte=today).update(overdue_reminded_on=today)
            if not claimed:
                continue
            late = (today - order.deadline).days
            _notify(_members(order.org_id), order, f"督办单{order.number}（{order.title}）已超过反馈期限{late}天，请立即反馈",
                    now, urgent=True)
            if order.issued_by_id:
                _notify([order.issued_by_id], order, f"督办单{order.number}（{order.org.name}）逾期{late}天未反馈", now)
            sent += 1
    return sent


def overdue_report_count(orders, today: date) -> int:
    return orders.filter(status=OrderStatus.ISSUED, deadline__lt=today).count()


def default_deadline(now: datetime, days: int = 7) -> date:
    return timezone.localdate(now) + timedelta(days=days)

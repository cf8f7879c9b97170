"""SMS and e-mail to staff, through the transactional outbox.

Only staff who left a way to reach them get one: a mobile number in their
StaffContact (and not opted out) for SMS, their account e-mail for e-mail. The
payload holds the case number, the clock and the due date — nothing about the
petitioner. The dedupe key names the claim row, so a message exists once per
reminder and recipient whatever retries happen."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q

from xinfang.accounts.models import User
from xinfang.notifications.models import Channel, OutboxMessage
from xinfang.orgs.models import Membership, Role
from xinfang.rules.kinds import ClockKind

from .models import ReminderLog, ReminderRule, StaffContact

if TYPE_CHECKING:
    from .reminders import Window

NOTIFIED_ROLES = (Role.HANDLER, Role.LEADER)


def contacts(user_ids) -> dict[int, dict[str, str]]:
    """{user_id: {"sms": mobile, "email": address}} for the users reachable outside the system."""
    out: dict[int, dict[str, str]] = defaultdict(dict)
    for c in StaffContact.objects.filter(user_id__in=user_ids):
        if c.mobile and c.wants_sms:
            out[c.user_id]["sms"] = c.mobile
    opted_out = set(StaffContact.objects.filter(user_id__in=user_ids, wants_email=False).values_list("user_id", flat=True))
    for uid, email in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").values_list("pk", "email"):
        if uid not in opted_out:
            out[uid]["email"] = email
    return out


def reachable_members(org_ids, roles=NOTIFIED_ROLES) -> dict[int, list[int]]:
    """{org_id: [user ids]} of the members in `roles` who have a phone or e-mail on file."""
    has_contact = Q(user__staff_contact__mobile__gt="") | Q(user__email__gt="")
    rows = (Membership.objects.filter(org_id__in=org_ids, role__in=roles, is_active=True, user__is_active=True)
            .filter(has_contact).values_list("org_id", "user_id").distinct())
    by_org: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in rows:
        if user_id not in by_org[org_id]:
            by_org[org_id].append(user_id)
    return by_org


def queue_remote_reminders(window: Window, rule: ReminderRule, now: datetime, today: date, token: str) -> int:
    """Outbox rows for the reminders of `window` claimed by sweep `token`. The
    repeated daily overdue reminders stay in-app: only the first overdue day
    goes out by SMS / e-mail."""
    logs = ReminderLog.objects.filter(batch=token, key=window.key, clock__kind=window.kind)
    if window.overdue:
        logs = logs.filter(clock__due_date__gte=today - timedelta(days=1))
    rows = list(logs.values_list("pk", "clock__case_id", "clock__case__number", "clock__case__current_org_id",
                                 "clock__due_date"))
    if not rows:
        return 0
    members = reachable_members({r[3] for r in rows})
    reach = contacts({u for users in members.values() for u in users})
    when = "已超期" if window.overdue else ("今日届满" if window.key == "due" else "即将届满")
    clock = ClockKind(window.kind).label
    wanted = [(Channel.SMS, "staff_deadline", rule.send_sms), (Channel.EMAIL, "staff_deadline_email", rule.send_email)]
    messages = []
    for log_id, case_id, number, org_id, due in rows:
        payload = {"number": number, "clock": clock, "when": when, "due": f"{due:%Y年%-m月%-d日}"}
        for uid in members.get(org_id, []):
            for channel, template, enabled in wanted:
                address = reach.get(uid, {}).get(channel)
                if enabled and address:
                    messages.append(OutboxMessage(
                        case_id=case_id, template=template, channel=channel, recipient=address, payload=payload,
                        dedupe_key=f"reminder:{log_id}:{uid}:{channel}", created_at=now))
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=1000)
    return len(messages)


def queue_staff_message(user_ids, *, template_sms: str | None, template_email: str | None, payload: dict,
                        dedupe: str, now: datetime, case=None) -> int:
    """Outbox rows to these staff on the channels they can be reached by (orders, digests)."""
    reach = contacts(list(user_ids))
    messages = []
    for uid in user_ids:
        for channel, template in ((Channel.SMS, template_sms), (Channel.EMAIL, template_email)):
            address = reach.get(uid, {}).get(channel)
            if template and address:
                messages.append(OutboxMessage(case=case, template=template, channel=channel, recipient=address,
                                              payload=payload, dedupe_key=f"{dedupe}:{uid}:{channel}"[:120],
                                              created_at=now))
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
    return len(messages)

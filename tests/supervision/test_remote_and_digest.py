"""SMS / e-mail reminders through the outbox, the daily digest, and the bell."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.concurrency import run_concurrently
from xinfang.notifications.models import Notification, OutboxMessage
from xinfang.rules.models import Clock
from xinfang.supervision.digest import send_daily_digests
from xinfang.supervision.models import DigestLog, ReminderRule, StaffContact
from xinfang.supervision.reminders import sweep


def at(day, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def reachable(accepted):
    """The handler has a mobile and an e-mail; the leader has neither."""
    handler = accepted.user("lx_zhujian", "handler")
    handler.email = "zhu@lx.example.gov.cn"
    handler.save()
    StaffContact.objects.create(user=handler, mobile="13900001111")
    ReminderRule.objects.filter(clock_kind="handle").update(send_sms=True, send_email=True)
    return handler


def handle_clock(case) -> Clock:
    return Clock.objects.get(case=case, kind="handle", state="running")


@pytest.mark.django_db(transaction=True)
def test_each_reminder_point_queues_one_sms_and_one_email_with_two_workers(accepted, reachable):
    clock = handle_clock(accepted.case)
    due = clock.due_date

    def two_workers(now):
        run_concurrently(lambda: sweep(now))

    for day in (due - timedelta(days=4), due - timedelta(days=3), due - timedelta(days=1), due,
                due + timedelta(days=1), due + timedelta(days=2)):
        two_workers(at(day))
        two_workers(at(day, 16))

    sms = OutboxMessage.objects.filter(template="staff_deadline")
    mail = OutboxMessage.objects.filter(template="staff_deadline_email")
    # before:3, due, first overdue day — the second overdue day stays in-app.
    assert sms.count() == 3 and mail.count() == 3
    assert {m.recipient for m in sms} == {"13900001111"} and {m.recipient for m in mail} == {"zhu@lx.example.gov.cn"}
    assert sorted(m.payload["when"] for m in sms) == sorted(["即将届满", "今日届满", "已超期"])
    # Only the case number and dates leave the system: no petitioner data in any payload.
    lead = accepted.case.lead
    for m in [*sms, *mail]:
        assert set(m.payload) == {"number", "clock", "when", "due"}
        assert m.payload["number"] == accepted.case.number
        assert lead.name not in str(m.payload) and lead.phone not in str(m.payload)
    # In-app: 4 reminder points × handler and leader.
    assert Notification.objects.filter(kind="deadline").count() == 8


def test_no_sms_unless_the_rule_says_so(accepted, reachable):
    ReminderRule.objects.filter(clock_kind="handle").update(send_sms=False, send_email=True)
    clock = handle_clock(accepted.case)
    sweep(at(clock.due_date))
    assert not OutboxMessage.objects.filter(template="staff_deadline").exists()
    assert OutboxMessage.objects.filter(template="staff_deadline_email").count() == 1


def test_the_outbox_renders_the_staff_template(accepted, reachable):
    from xinfang.notifications.conf import conf
    from xinfang.notifications.delivery import _Run
    from xinfang.notifications.models import MessageTemplate
    from xinfang.supervision.texts import seed_staff_templates

    seed_staff_templates(MessageTemplate)  # the seeded rows, should a transactional test have flushed them
    clock = handle_clock(accepted.case)
    sweep(at(clock.due_date))
    msg = OutboxMessage.objects.get(template="staff_deadline")
    _, text = _Run("t", timezone.now, conf(), timedelta(minutes=1), None).compose(msg, msg.created_at)
    assert text == f"信访事项{accepted.case.number}的办理期限今日届满（期满日{clock.due_date.year}年{clock.due_date.month}月" \
                   f"{clock.due_date.day}日），请登录阳光信访信息系统及时办理。"


def test_the_daily_digest_goes_once_per_org_and_day(accepted, reachable):
    clock = handle_clock(accepted.case)
    morning = at(clock.due_date + timedelta(days=1), 8)
    assert send_daily_digests(at(clock.due_date + timedelta(days=1), 7))["sent"] == 0  # before 08:00
    first = send_daily_digests(morning)
    again = send_daily_digests(morning + timedelta(hours=1))
    assert first["sent"] == 1 and again["sent"] == 0
    log = DigestLog.objects.get()
    assert log.org == accepted.orgs["lx_zhujian"] and log.counts["overdue"] == 1 and log.recipients == 2
    digests = Notification.objects.filter(kind="digest")
    assert digests.count() == 2 and "已超期1件" in digests[0].text
    mail = OutboxMessage.objects.get(template="staff_daily_digest")
    assert mail.recipient == "zhu@lx.example.gov.cn" and mail.payload["overdue"] == 1
    assert send_daily_digests(morning + timedelta(days=1))["sent"] == 1  # the next day, again once


def test_the_bell_counts_unread_and_clears_on_read(accepted, client):
    from django.core.cache import cache

    cache.clear()
    me = accepted.user("lx_zhujian", "handler")
    Notification.objects.create(user=me, kind="deadline", text="办理期限今日届满", created_at=timezone.now())
    client.force_login(me)
    page = client.get(reverse("supervision:notifications")).content.decode()
    assert 'data-testid="bell-count"' in page and ">1</span>" in page
    client.post(reverse("supervision:read_all"))
    page = client.get(reverse("supervision:notifications")).content.decode()
    assert 'data-testid="bell-count"' not in page

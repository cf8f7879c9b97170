"""The supervision queue and the notification bell."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from xinfang.notifications.models import Notification
from xinfang.rules.models import Clock
from xinfang.supervision.queue import supervision_queue


def handle_clock(case) -> Clock:
    return Clock.objects.get(case=case, kind="handle", state="running")


def test_it_lists_an_overdue_case_for_a_supervisor_in_the_region(accepted, make_user):
    clock = handle_clock(accepted.case)
    supervisor = make_user("lx_bureau", "supervisor")
    queue = supervision_queue(supervisor, clock.due_at + timedelta(days=1))
    assert clock in queue.overdue
    assert clock not in queue.due_soon


def test_it_lists_a_case_due_within_two_days_as_about_to_be_overdue(accepted, make_user):
    clock = handle_clock(accepted.case)
    queue = supervision_queue(make_user("lx_bureau", "supervisor"), clock.due_at - timedelta(days=1))
    assert clock in queue.due_soon
    assert clock not in queue.overdue


def test_it_hides_the_case_from_an_outsider(accepted, make_user):
    clock = handle_clock(accepted.case)
    outsider = make_user("jy_bureau", "supervisor")
    queue = supervision_queue(outsider, clock.due_at + timedelta(days=1))
    assert queue.overdue == [] and queue.due_soon == []


def test_it_shows_the_queue_page_to_supervisors_only(accepted, make_user, client):
    clock = handle_clock(accepted.case)
    Clock.objects.filter(pk=clock.pk).update(due_at=timezone.now() - timedelta(days=1))
    client.force_login(make_user("lx_bureau", "supervisor"))
    page = client.get(reverse("supervision:queue"))
    assert page.status_code == 200
    assert accepted.case.number in page.content.decode()
    assert "办理" in page.content.decode()

    client.force_login(accepted.user("lx_zhujian", "handler"))
    assert client.get(reverse("supervision:queue")).status_code == 403


def test_it_marks_only_my_notifications_read(accepted, client):
    me, other = accepted.user("lx_zhujian", "handler"), accepted.user("lx_zhujian", "leader")
    now = timezone.now()
    mine = Notification.objects.create(user=me, case=accepted.case, kind="deadline", text="办理期限今日届满", created_at=now)
    theirs = Notification.objects.create(user=other, kind="deadline", text="别人的通知", created_at=now)
    client.force_login(me)
    page = client.get(reverse("supervision:notifications"))
    assert "办理期限今日届满" in page.content.decode() and "别人的通知" not in page.content.decode()

    client.post(reverse("supervision:read", args=[theirs.pk]))
    client.post(reverse("supervision:read", args=[mine.pk]))
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None

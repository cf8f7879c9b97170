"""督办单: draft → issue → report back → send back / close; 催办; who may do what."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from xinfang.cases.models import CaseEvent
from xinfang.notifications.models import Notification, OutboxMessage
from xinfang.supervision import orders as actions
from xinfang.supervision.models import SupervisionOrder, SupervisionUrge
from xinfang.supervision.orders import remind_overdue_reports
from xinfang.supervision.scope import visible_orders


@pytest.fixture
def people(accepted, make_user):
    p = {
        "sup": make_user("lx_bureau", "supervisor"),
        "handler": accepted.user("lx_zhujian", "handler"),
        "leader": accepted.user("lx_zhujian", "leader"),
        "jy_sup": make_user("jy_bureau", "supervisor"),
        "lx_registrar": accepted.user("lx_bureau", "registrar"),
    }
    p["handler"].email = "handler@lx.example.gov.cn"
    p["handler"].save()
    return p


def draft(accepted, people, **kw):
    today = timezone.localdate()
    return actions.draft_order(user=people["sup"], issuer=accepted.orgs["lx_bureau"], org=accepted.orgs["lx_zhujian"],
                               case=accepted.case, title="电梯停运督办", requirements="请十日内办结并反馈",
                               deadline=kw.pop("deadline", today + timedelta(days=10)), **kw)


def test_the_full_lifecycle(accepted, people):
    order = draft(accepted, people)
    assert order.status == "draft" and order.number == ""
    assert not visible_orders(people["handler"]).filter(pk=order.pk).exists()  # drafts stay with the bureau

    actions.issue_order(order, user=people["sup"])
    order.refresh_from_db()
    year = timezone.localdate().year
    assert order.status == "issued" and order.number == f"督〔{year}〕1号" and order.issued_at is not None
    assert visible_orders(people["handler"]).filter(pk=order.pk).exists()
    assert Notification.objects.filter(user=people["handler"], kind="supervision", text__contains=order.number).exists()
    mail = OutboxMessage.objects.get(template="staff_supervision_order")
    assert mail.channel == "email" and mail.recipient == "handler@lx.example.gov.cn"
    assert mail.payload["order"] == order.number and "张三" not in str(mail.payload)

    urge = actions.urge_order(order, user=people["sup"], text="请抓紧办理", channel="phone")
    assert SupervisionUrge.objects.get() == urge and urge.by == people["sup"] and urge.get_channel_display() == "电话"

    with pytest.raises(ValidationError):
        actions.report_order(order, user=people["handler"], text="   ")
    actions.report_order(order, user=people["handler"], text="已修复电梯，已答复信访人")
    order.refresh_from_db()
    assert order.status == "reported" and order.reported_by == people["handler"]
    assert Notification.objects.filter(user=people["sup"], text__contains="已反馈").exists()

    actions.send_back_order(order, user=people["sup"], note="请补充维修验收材料")
    order.refresh_from_db()
    assert order.status == "issued" and order.rounds == 1
    actions.report_order(order, user=people["leader"], text="补充验收报告")
    actions.close_order(order, user=people["sup"], note="同意办结")
    order.refresh_from_db()
    assert order.status == "closed" and order.closed_by == people["sup"]

    events = list(CaseEvent.objects.filter(case=accepted.case, action__in=[
        "supervise", "urge", "supervise_report", "supervise_return", "supervise_close"]).values_list("action", "is_public"))
    assert [a for a, _ in events] == ["supervise", "urge", "supervise_report", "supervise_return",
                                      "supervise_report", "supervise_close"]
    assert not any(public for _, public in events)


def test_numbers_count_up_per_bureau_and_year(accepted, people):
    first, second = draft(accepted, people), draft(accepted, people)
    actions.issue_order(first, user=people["sup"])
    actions.issue_order(second, user=people["sup"])
    second.refresh_from_db()
    assert second.number.endswith("〕2号")


def test_it_refuses_a_second_issue_and_a_report_from_the_wrong_side(accepted, people):
    order = draft(accepted, people)
    actions.issue_order(order, user=people["sup"])
    with pytest.raises(ValidationError):
        actions.issue_order(SupervisionOrder.objects.get(pk=order.pk), user=people["sup"])
    with pytest.raises(PermissionDenied):
        actions.report_order(order, user=people["sup"], text="督查员不能替对象单位反馈")
    with pytest.raises(PermissionDenied):
        actions.urge_order(order, user=people["handler"], text="对象单位不能催办")


def test_another_district_can_neither_order_nor_see(accepted, people):
    with pytest.raises(PermissionDenied):
        actions.draft_order(user=people["jy_sup"], issuer=accepted.orgs["jy_bureau"], org=accepted.orgs["lx_zhujian"],
                            title="越权", requirements="越权", deadline=timezone.localdate())
    order = draft(accepted, people)
    actions.issue_order(order, user=people["sup"])
    assert not visible_orders(people["jy_sup"]).exists()


def test_a_deadline_in_the_past_is_refused(accepted, people):
    with pytest.raises(ValidationError, match="反馈期限不能早于今天"):
        draft(accepted, people, deadline=timezone.localdate() - timedelta(days=1))
    assert not SupervisionOrder.objects.exists()


def test_an_overdue_report_back_is_reminded_once_a_day(accepted, people):
    order = draft(accepted, people)
    actions.issue_order(order, user=people["sup"])
    order.refresh_from_db()
    day_after = timezone.make_aware(datetime.combine(order.deadline + timedelta(days=1), time(9)))
    assert remind_overdue_reports(day_after) == 1
    assert remind_overdue_reports(day_after + timedelta(hours=3)) == 0
    assert remind_overdue_reports(day_after + timedelta(days=1)) == 1
    texts = Notification.objects.filter(user=people["handler"], text__contains="已超过反馈期限").values_list("text", flat=True)
    assert sorted(texts) == sorted([f"督办单{order.number}（电梯停运督办）已超过反馈期限1天，请立即反馈",
                                    f"督办单{order.number}（电梯停运督办）已超过反馈期限2天，请立即反馈"])


# -- pages ------------------------------------------------------------------------

def test_a_supervisor_creates_an_order_from_the_case_page(accepted, people, client):
    client.force_login(people["sup"])
    page = client.get(reverse("cases:detail", args=[accepted.case.pk]))
    assert "发督办单" in page.content.decode()
    url = reverse("supervision:order_new") + f"?case={accepted.case.pk}"
    form = client.get(url)
    assert form.status_code == 200 and accepted.case.number in form.content.decode()
    bad = client.post(url, {"org": accepted.orgs["lx_zhujian"].pk, "title": "", "requirements": "x",
                            "deadline": timezone.localdate().isoformat()})
    assert "请填写督办事由" in bad.content.decode() and not SupervisionOrder.objects.exists()
    ok = client.post(url, {"org": accepted.orgs["lx_zhujian"].pk, "title": "督办", "requirements": "请办理",
                           "deadline": (timezone.localdate() + timedelta(days=5)).isoformat()})
    order = SupervisionOrder.objects.get()
    assert ok.status_code == 302 and order.case == accepted.case and order.issued_by_org == accepted.orgs["lx_bureau"]

    issued = client.post(reverse("supervision:order_issue", args=[order.pk]), HTTP_HX_REQUEST="true")
    assert issued.status_code == 200 and "已下发" in issued.content.decode()


def test_the_ordered_org_reports_through_the_page_and_outsiders_get_404(accepted, people, client):
    order = draft(accepted, people)
    actions.issue_order(order, user=people["sup"])
    client.force_login(people["handler"])
    assert client.get(reverse("supervision:order", args=[order.pk])).status_code == 200
    empty = client.post(reverse("supervision:order_report", args=[order.pk]), {"text": ""})
    assert empty.status_code == 400 and "请填写反馈情况" in empty.content.decode()
    client.post(reverse("supervision:order_report", args=[order.pk]), {"text": "已办结"})
    order.refresh_from_db()
    assert order.status == "reported"

    client.force_login(people["jy_sup"])
    assert client.get(reverse("supervision:order", args=[order.pk])).status_code == 404
    assert client.post(reverse("supervision:order_close", args=[order.pk])).status_code == 404


def test_the_queue_lists_drafts_and_overdue_report_backs(accepted, people, client):
    overdue = draft(accepted, people)
    actions.issue_order(overdue, user=people["sup"])
    SupervisionOrder.objects.filter(pk=overdue.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    fresh = draft(accepted, people)
    client.force_login(people["sup"])
    page = client.get(reverse("supervision:queue")).content.decode()
    overdue.refresh_from_db()
    drafts_at, overdue_at = page.index('data-testid="orders-drafts"'), page.index('data-testid="orders-overdue"')
    assert page.find(f"督办单草稿 #{fresh.pk}", drafts_at) > drafts_at
    assert page.find(overdue.number, overdue_at) > overdue_at

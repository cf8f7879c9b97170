"""Message templates: seeded in Chinese, rendered without ever crashing,
edited by staff in the admin with checks that answer in Chinese."""

import pytest
from django.core.exceptions import ValidationError

from xinfang.notifications.models import MessageTemplate, OutboxMessage, OutboxState
from xinfang.notifications.outbox import queue_message
from xinfang.notifications.texts import DEFAULTS, check_body, render

CASE_NOTICES = {"registered", "forwarded", "accepted", "declined", "redirected", "refused_repeat", "guided_down",
                "declined_above", "extended", "replied", "review_received", "review_decided",
                "reexamine_received", "reexamine_decided", "rehandle"}


@pytest.fixture
def staff(db):
    from xinfang.accounts.models import User

    return User.objects.create_superuser("notify_admin", "admin@example.com", "pw-for-tests-123")


def test_it_has_a_default_for_every_notice_the_procedure_sends():
    from xinfang.cases.workflow import TRANSITIONS

    sent = {t.notice for t in TRANSITIONS if t.notice} | {"registered", "refused_repeat", "declined_above"}
    assert sent <= CASE_NOTICES
    assert set(DEFAULTS) == CASE_NOTICES | {"verification_code", "evaluation_invitation"}
    assert DEFAULTS["verification_code"].body == "您的验证码为{code}，10分钟内有效。如非本人操作请忽略。"
    for key, spec in DEFAULTS.items():
        assert check_body(key, spec.body) == [], key


@pytest.mark.django_db
def test_it_seeds_every_template_in_the_database():
    # Every built-in default is seeded (other apps seed their own staff templates beside them).
    assert set(DEFAULTS) <= set(MessageTemplate.objects.values_list("key", flat=True))
    registered = MessageTemplate.objects.get(key="registered")
    assert registered.name == "登记告知" and "{query_code}" in registered.body


@pytest.mark.parametrize(("body", "values", "expected"), [
    ("编号{number}", {"number": "N1"}, "编号N1"),
    ("{unknown}与{number}", {"number": "N1"}, "{unknown}与N1"),
    ("缺{note}值", {}, "缺{note}值"),
    ("空{note}值", {"note": None}, "空{note}值"),
    ("{ number } {0} {} {{number}} 只有左括号{", {"number": "N1"}, "{ number } {0} {} {N1} 只有左括号{"),
    ("{note}。", {"note": "理由。"}, "理由。"),
    ("{code}", {"code": 123456}, "123456"),
])
def test_it_renders_safely(body, values, expected):
    assert render(body, values) == expected


def test_it_shortens_values_only_when_asked():
    assert render("{note}", {"note": "长" * 100}, value_limit=10) == "长" * 9 + "…"
    assert render("{note}", {"note": "长" * 100}) == "长" * 100


def test_it_checks_bodies_in_chinese():
    assert check_body("registered", "您的信访事项已登记，编号{number}。") == [
        "通知内容必须保留占位符{query_code}（查询码）"]
    assert check_body("verification_code", "验证码") == ["通知内容必须保留占位符{code}（验证码）"]
    (problem,) = check_body("accepted", "事项{number}已受理{qurey_code}")
    assert "无法识别的占位符{qurey_code}" in problem and "{query_code}" in problem
    assert check_body("accepted", "") == ["请填写通知内容"]
    assert "不能超过300个字" in check_body("accepted", "{number}" + "字" * 300)[0]


@pytest.mark.django_db
def test_it_refuses_a_bad_edit_in_the_model():
    template = MessageTemplate.objects.get(key="registered")
    template.body = "您的信访事项已登记。"
    with pytest.raises(ValidationError) as e:
        template.full_clean()
    assert "必须保留占位符{query_code}" in str(e.value)


def edit(client, template, body):
    return client.post(f"/admin/notifications/messagetemplate/{template.pk}/change/",
                       {"name": template.name, "channel": template.channel, "body": body})


def test_it_refuses_a_bad_edit_in_the_admin_in_chinese(client, staff):
    client.force_login(staff)
    template = MessageTemplate.objects.get(key="registered")
    response = edit(client, template, "您的信访事项已登记，编号{number}。")
    assert response.status_code == 200
    assert "通知内容必须保留占位符{query_code}（查询码）" in response.content.decode()
    template.refresh_from_db()
    assert template.body == DEFAULTS["registered"].body


def test_it_saves_a_good_edit_and_records_who_made_it(client, staff, http_sms):
    from xinfang.notifications.delivery import deliver_due

    client.force_login(staff)
    template = MessageTemplate.objects.get(key="registered")
    page = client.get(f"/admin/notifications/messagetemplate/{template.pk}/change/").content.decode()
    assert "必须保留：{number}、{query_code}" in page and "效果预览" in page
    body = "登记成功：编号{number}，查询码{query_code}。"
    assert edit(client, template, body).status_code == 302
    template.refresh_from_db()
    assert (template.body, template.updated_by) == (body, staff)
    queue_message(template="registered", recipient="13812345678", dedupe_key="t-1",
                  payload={"number": "N1", "query_code": "Q1"})
    deliver_due()
    assert next(iter(http_sms.delivered.values())).text == "【阳光信访】登记成功：编号N1，查询码Q1。"


def test_it_restores_the_default_text(client, staff):
    client.force_login(staff)
    template = MessageTemplate.objects.get(key="accepted")
    MessageTemplate.objects.filter(pk=template.pk).update(body="改过的{number}")
    client.post("/admin/notifications/messagetemplate/", {"action": "restore_default",
                                                         "_selected_action": [template.pk]})
    template.refresh_from_db()
    assert template.body == DEFAULTS["accepted"].body


def test_it_shows_staff_the_outbox_masked_and_retries_failed_messages(client, staff):
    failed = queue_message(template="accepted", recipient="13812345678", dedupe_key="o-1",
                           payload={"number": "N1"})
    sent = queue_message(template="accepted", recipient="13987654321", dedupe_key="o-2", payload={"number": "N2"})
    OutboxMessage.objects.filter(pk=failed.pk).update(state=OutboxState.FAILED, attempts=12,
                                                      last_error="短信网关返回 HTTP 503（已尝试12次，不再重试）")
    OutboxMessage.objects.filter(pk=sent.pk).update(state=OutboxState.SENT, attempts=1)
    client.force_login(staff)
    page = client.get("/admin/notifications/outboxmessage/").content.decode()
    assert "138****5678" in page and "139****4321" in page
    assert "13812345678" not in page and "13987654321" not in page
    assert "发送失败" in page and "HTTP 503" in page
    detail = client.get(f"/admin/notifications/outboxmessage/{failed.pk}/change/").content.decode()
    assert "138****5678" in detail and "13812345678" not in detail
    response = client.post("/admin/notifications/outboxmessage/", {
        "action": "retry_failed", "_selected_action": [failed.pk, sent.pk]}, follow=True)
    assert "已将1条发送失败的通知重新放入发送队列" in response.content.decode()
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, failed.attempts, failed.next_attempt_at) == (OutboxState.PENDING, 0, None)
    assert sent.state == OutboxState.SENT


def test_it_lets_nobody_add_or_delete_templates(client, staff):
    client.force_login(staff)
    assert client.get("/admin/notifications/messagetemplate/add/").status_code == 403
    template = MessageTemplate.objects.get(key="accepted")
    assert client.get(f"/admin/notifications/messagetemplate/{template.pk}/delete/").status_code == 403

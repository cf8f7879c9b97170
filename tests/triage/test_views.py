"""The htmx endpoint behind the registration panel."""

import pytest

from xinfang.cases.models import Category
from xinfang.triage import categories
from xinfang.triage.models import RoutingRule

URL = "/triage/suggest/"


def post(client, **data):
    return client.post(URL, data, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_it_requires_login(client):
    r = post(client, title="物业", content="小区物业乱收费")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_it_refuses_staff_who_cannot_register(client, make_user, no_model):
    client.force_login(make_user("wx_bureau", "analyst"))
    assert post(client, content="小区物业乱收费").status_code == 403
    client.force_login(make_user("wx_bureau", "sysadmin"))
    assert post(client, content="小区物业乱收费").status_code == 403


def test_it_answers_post_only(client, lx_registrar, no_model):
    client.force_login(lx_registrar)
    assert client.get(URL, {"content": "小区物业乱收费"}).status_code == 405


def test_it_suggests_a_category_and_the_competent_org(client, orgs, lx_registrar, no_model):
    RoutingRule.objects.create(region_prefix="320213", category=Category.objects.get(code="CXJS"),
                               org=orgs["lx_zhujian"])
    client.force_login(lx_registrar)
    html = post(client, title="物业问题", content="我们小区物业公司乱收停车费", issue_region="320213021").content.decode()
    cxjs01 = Category.objects.get(code="CXJS.01")
    assert "城乡建设 › 物业管理" in html
    assert f'data-triage-apply="{cxjs01.pk}"' in html
    assert "置信度" in html and "依据：关键词" in html
    assert "梁溪区住房和城乡建设局" in html and "交办规则" in html


def test_a_chosen_category_drives_the_routing(client, orgs, lx_registrar, no_model):
    client.force_login(lx_registrar)
    chosen = Category.objects.get(code="HJBH.01")
    html = post(client, content="我们小区物业公司乱收停车费", category=str(chosen.pk),
                issue_region="320213021").content.decode()
    assert "无锡市生态环境局" in html  # routed by the registrar's choice, not the suggestion
    assert "按建议分类" not in html


def test_short_or_missing_input_changes_nothing_and_says_so(client, lx_registrar, no_model):
    client.force_login(lx_registrar)
    html = post(client, title="", content="", category="abc", issue_region="nonsense").content.decode()
    assert "输入标题和信访内容后给出内容分类建议" in html
    assert "内容太短" in post(client, content="你好").content.decode()
    assert "选择内容分类和问题属地后给出交办单位建议" in html


def test_it_escapes_what_it_echoes(client, orgs, lx_registrar, no_model):
    c = Category.objects.get(code="QT.04")
    c.keywords = "<script>alert(1)</script> 舞龙"
    c.save()
    categories.clear_cache()
    client.force_login(lx_registrar)
    html = post(client, content="春节舞龙活动<script>alert(1)</script>", issue_region="320213021").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the matched keyword, shown escaped


def test_the_registration_form_carries_the_panel(client, lx_registrar, no_model):
    client.force_login(lx_registrar)
    html = client.get("/cases/new/letter/").content.decode()
    assert 'id="triage-panel"' in html and 'hx-post="/triage/suggest/"' in html
    assert "js/triage.js" in html


def test_the_system_admin_edits_routing_rules_in_admin(client, orgs, make_user):
    from xinfang.accounts.models import User

    admin = User.objects.create_superuser("triage_admin", password="pw-for-tests-123", full_name="管理员")
    client.force_login(admin)
    assert client.get("/admin/triage/routingrule/").status_code == 200
    r = client.post("/admin/triage/routingrule/add/", {
        "region_prefix": "32a", "category": Category.objects.get(code="CXJS").pk, "org": orgs["lx_zhujian"].pk,
        "priority": 0, "is_active": "on", "note": ""})
    assert r.status_code == 200 and "区划代码前缀只能由数字组成" in r.content.decode()
    assert not RoutingRule.objects.exists()
    r = client.post("/admin/triage/routingrule/add/", {
        "region_prefix": "320213", "category": Category.objects.get(code="CXJS").pk, "org": orgs["lx_zhujian"].pk,
        "priority": 0, "is_active": "on", "note": ""})
    assert r.status_code == 302
    assert RoutingRule.objects.get().org == orgs["lx_zhujian"]

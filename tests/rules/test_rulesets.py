"""The statutory limits as the regulations state them, and local rule sets that
may only tighten them."""

import pytest
from django.core.exceptions import ValidationError

from xinfang.rules.models import RuleSet
from xinfang.rules.rulesets import RuleError, get_rule

C, W = "calendar_days", "working_days"

# rule set, clock, limit, unit, article — read against the text of each regulation.
STATUTE = [
    ("2022", "dispose", 15, C, "《信访工作条例》第二十二条"),
    ("2022", "accept", 15, C, "《信访工作条例》第二十三条"),
    ("2022", "object", 5, W, "《信访工作条例》第二十三条"),
    ("2022", "handle", 60, C, "《信访工作条例》第三十四条"),
    ("2022", "extend", 30, C, "《信访工作条例》第三十四条"),
    ("2022", "simple", 10, W, "国家信访局《信访事项简易办理办法（试行）》"),
    ("2022", "report_back", None, C, "《信访工作条例》第二十二条第（三）项"),
    ("2022", "evaluate", 7, C, "本地规则（评价期限）"),
    ("2022", "review_request", 30, C, "《信访工作条例》第三十五条"),
    ("2022", "review", 30, C, "《信访工作条例》第三十五条"),
    ("2022", "reexamine_request", 30, C, "《信访工作条例》第三十六条"),
    ("2022", "reexamine", 30, C, "《信访工作条例》第三十六条"),
    ("2005", "dispose", 15, C, "《信访条例》第二十一条"),
    ("2005", "accept", 15, C, "《信访条例》第二十二条"),
    ("2005", "handle", 60, C, "《信访条例》第三十三条"),
    ("2005", "extend", 30, C, "《信访条例》第三十三条"),
    ("2005", "review_request", 30, C, "《信访条例》第三十四条"),
    ("2005", "review", 30, C, "《信访条例》第三十四条"),
    ("2005", "reexamine_request", 30, C, "《信访条例》第三十五条"),
    ("2005", "reexamine", 30, C, "《信访条例》第三十五条"),
]


@pytest.mark.parametrize(("rule_set", "kind", "amount", "unit", "article"), STATUTE)
def test_it_encodes_the_statutory_limits(rule_set, kind, amount, unit, article):
    rule = get_rule(rule_set, kind)
    assert (rule.amount, rule.unit, rule.article) == (amount, unit, article)
    assert rule.extend_if_day_off


def test_it_excludes_hearing_time_only_from_reexamination_and_extends_only_handling():
    for rule_set in ("2022", "2005"):
        assert [k for k in ("handle", "review", "reexamine") if get_rule(rule_set, k).pausable] == ["reexamine"]
        assert [k for k in ("dispose", "handle", "simple") if get_rule(rule_set, k).extendable] == ["handle"]


def wuxi(**overrides) -> RuleSet:
    return RuleSet(code="wuxi", name="无锡市信访事项办理规定", base="2022", overrides=overrides)


@pytest.mark.django_db
def test_it_applies_a_tighter_local_rule_set_and_inherits_the_rest():
    local = wuxi(dispose={"amount": 7, "article": "《无锡市信访事项办理规定》"}, accept={"amount": 10},
                 object={"unit": C}, evaluate={"amount": 15})
    local.full_clean()
    local.save()
    assert (get_rule("wuxi", "dispose").amount, get_rule("wuxi", "dispose").article) == (7, "《无锡市信访事项办理规定》")
    assert get_rule("wuxi", "accept").amount == 10
    assert (get_rule("wuxi", "object").amount, get_rule("wuxi", "object").unit) == (5, C)  # 5日 ≤ 5个工作日
    assert get_rule("wuxi", "evaluate").amount == 15  # a local choice to begin with
    handle = get_rule("wuxi", "handle")
    assert (handle.amount, handle.article, handle.rule_set) == (60, "《信访工作条例》第三十四条", "wuxi")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"dispose": {"amount": 20}}, "「处理」期限不得超过《信访工作条例》第二十二条规定的15日（填写的是20日）；地方规则只能从严，不能放宽"),
    ({"object": {"amount": 6}}, "「异议」期限不得超过《信访工作条例》第二十三条规定的5个工作日"),
    ({"accept": {"unit": W, "amount": 10}}, "「受理告知」《信访工作条例》第二十三条按日计算，改为按工作日计算会延长期限"),
    ({"extend": {"amount": 45}}, "「延期」期限不得超过《信访工作条例》第三十四条规定的30日"),
    ({"review_request": {"amount": 20}}, "「复查申请」期限是信访人的法定权利"),
    ({"handle": {"amount": 0}}, "天数须为正整数"),
    ({"handle": {"days": 50}}, "「办理」不能设置 days"),
    ({"visit": {"amount": 5}}, "没有「visit」这种期限"),
])
def test_it_refuses_to_loosen_a_limit(overrides, message):
    with pytest.raises(ValidationError) as err:
        wuxi(**overrides).clean()
    assert message in str(err.value.message_dict["overrides"])


def test_it_refuses_a_local_code_that_shadows_a_builtin_one():
    with pytest.raises(ValidationError, match="内置规则"):
        RuleSet(code="2022", name="x", base="2022").clean()


@pytest.mark.django_db
def test_it_refuses_a_loosening_rule_set_in_the_admin_and_saves_nothing(admin_client):
    resp = admin_client.post("/admin/rules/ruleset/add/", {
        "code": "wuxi", "name": "无锡市规则", "base": "2022", "overrides": '{"handle": {"amount": 90}}',
        "description": "",
    })
    assert resp.status_code == 200
    assert "地方规则只能从严，不能放宽" in resp.content.decode()
    assert not RuleSet.objects.exists()


def test_it_names_unknown_rules_in_chinese(db):
    with pytest.raises(RuleError, match="没有代码为「shanghai」的规则"):
        get_rule("shanghai", "dispose")
    with pytest.raises(RuleError, match="没有「visit」这种期限"):
        get_rule("2022", "visit")


@pytest.mark.django_db
def test_it_shows_the_rule_tables_to_staff(client, lx_registrar):
    client.force_login(lx_registrar)
    body = client.get("/rules/").content.decode()
    assert "《信访工作条例》第三十六条" in body and "《信访条例》第三十五条" in body and "听证时间不计入" in body


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "title"), [
    ("workcalendar", "节假日安排"), ("calendaryear", "节假日年度"), ("ruleset", "地方规则"), ("clock", "期限"),
])
def test_it_offers_admin_screens_in_chinese(admin_client, model, title):
    resp = admin_client.get(f"/admin/rules/{model}/")
    assert resp.status_code == 200 and title in resp.content.decode()

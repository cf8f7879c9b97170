"""The special rules of the procedure (DESIGN §6), each on a constructed case."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.conftest import valid_id
from xinfang.cases import workflow_engine as engine
from xinfang.cases.actions import PetitionerData, Registration, attach_repeat
from xinfang.cases.models import Case, Category
from xinfang.notifications.models import Notification, OutboxMessage
from xinfang.orgs.models import Region
from xinfang.rules.models import RuleSet

from .test_access_and_search import make_case
from .test_transitions_table import Scenario

pytestmark = pytest.mark.django_db


def repeat_reg(channel="letter", seq=1):
    return Registration(
        channel=channel, received_at=timezone.now(), title="同一事项再次反映", content="还是电梯的问题", demands="",
        purpose="claim", category=Category.objects.filter(parent__isnull=False).first(),
        issue_region=Region.objects.get(code="320213021"),
        petitioners=[PetitionerData(name="张三", id_number=valid_id(seq), is_lead=True)],
    )


def test_it_refuses_the_same_matter_after_reexamination(orgs, make_user):
    s = Scenario(orgs, make_user)
    s.reach("terminated")
    attach_repeat(s.case, repeat_reg(), actor=s.user("lx_bureau", "registrar"), org=orgs["lx_bureau"])
    s.case.refresh_from_db()
    assert s.case.status == "terminated"
    assert s.case.submission_count == 2
    last = s.case.events.get(action="repeat_refused")
    assert "不再受理" in last.note and last.is_public
    assert OutboxMessage.objects.filter(case=s.case, template="refused_repeat").exists()
    assert Case.objects.count() == 1


def test_it_declines_above_a_matter_in_progress_below(orgs, make_user):
    s = Scenario(orgs, make_user)
    s.reach("accepted")  # held by 梁溪区住建局
    attach_repeat(s.case, repeat_reg(), actor=make_user("wx_bureau", "registrar"), org=orgs["wx_bureau"])
    last = s.case.events.get(action="repeat_declined_above")
    assert "梁溪区住房和城乡建设局" in last.note and "不予受理" in last.note


def test_it_flags_a_level_skipping_visit_and_guides_it_down(orgs, make_user):
    registrar = make_user("wx_bureau", "registrar")
    case = make_case(orgs["wx_bureau"], registrar, channel="visit")
    assert case.is_level_skipping
    assert case.events.filter(action="level_skipping", note__contains="梁溪区信访局").exists()
    engine.apply(case.pk, "guide_down", user=registrar, data={"to_org": orgs["lx_bureau"].pk})
    case.refresh_from_db()
    assert case.current_org == orgs["lx_bureau"] and case.status == "registered"
    assert case.clocks.filter(kind="dispose", state="running").count() == 1
    assert OutboxMessage.objects.filter(case=case, template="guided_down").exists()
    with pytest.raises(engine.TransitionError, match="下一级"):
        engine.apply(case.pk, "guide_down", user=make_user("lx_bureau", "registrar"),
                     data={"to_org": orgs["wx_bureau"].pk})


def test_it_does_not_flag_a_visit_at_the_proper_level(orgs, lx_registrar):
    assert not make_case(orgs["lx_bureau"], lx_registrar, channel="visit").is_level_skipping


def test_it_alerts_the_bureau_leaders_of_an_urgent_case_at_once(orgs, make_user, lx_registrar):
    lx_leader, wx_leader = make_user("lx_bureau", "leader"), make_user("wx_bureau", "leader")
    jy_leader = make_user("jy_bureau", "leader")
    case = make_case(orgs["lx_bureau"], lx_registrar, is_urgent=True)
    alerted = set(Notification.objects.filter(case=case, is_urgent=True).values_list("user_id", flat=True))
    assert {lx_leader.pk, wx_leader.pk} <= alerted
    assert jy_leader.pk not in alerted
    assert case.events.filter(action="urgent_alert").exists()


def test_it_allows_the_simple_procedure_only_for_first_time_cases(orgs, make_user):
    s = Scenario(orgs, make_user)
    s.reach("forwarded")
    s.do("accept", "lx_zhujian", "handler", simple=True)
    clock = s.case.clocks.get(state="running")
    assert clock.kind == "simple" and clock.unit == "working_days" and clock.amount == 10

    t = Scenario(orgs, make_user)
    Case.objects.filter(pk=t.case.pk).update(is_first_time=False)
    t.case.refresh_from_db()
    t.reach("forwarded")
    with pytest.raises(engine.TransitionError, match="初次信访"):
        t.do("accept", "lx_zhujian", "handler", simple=True)


def test_it_limits_extension_to_thirty_days_and_tells_the_petitioner_why(orgs, make_user):
    s = Scenario(orgs, make_user)
    s.reach("accepted")
    before = s.case.clocks.get(kind="handle").due_date
    with pytest.raises(engine.TransitionError, match="1至30日"):
        s.do("request_extension", "lx_zhujian", "handler", days=45, reason="复杂")
    s.do("request_extension", "lx_zhujian", "handler", days=30, reason="需要司法鉴定")
    s.do("approve_extension", "lx_zhujian", "leader")
    clock = s.case.clocks.get(kind="handle")
    assert clock.due_date >= before + timedelta(days=30)
    event = s.case.events.filter(action="approve_extension").get()
    assert event.is_public and "需要司法鉴定" in event.note
    assert OutboxMessage.objects.filter(event=event, template="extended").exists()


def test_it_uses_the_rule_set_in_force_when_registered(orgs, lx_registrar):
    RuleSet.objects.create(code="wuxi", name="无锡市信访事项办理规定", base="2022", region_id="3202",
                           effective_from=date(2026, 1, 1), overrides={"dispose": {"amount": 7}})
    case = make_case(orgs["lx_bureau"], lx_registrar)
    assert case.rule_set == "wuxi"
    assert case.clocks.get(kind="dispose").amount == 7
    old = make_case(orgs["lx_bureau"], lx_registrar, seq=2)
    assert old.rule_set == "wuxi"
    jy = make_case(orgs["jy_bureau"], None, seq=3, region="320281001")
    assert jy.rule_set == "wuxi"
    sz = make_case(orgs["js_bureau"], None, seq=4, region="320505001")
    assert sz.rule_set == "2022"


def test_it_applies_the_2005_regulation_to_cases_received_before_may_2022(orgs, lx_registrar):
    from xinfang.rules.rulesets import rule_set_for

    assert rule_set_for("320213", date(2022, 4, 30)) == "2005"
    assert rule_set_for("320213", date(2022, 5, 1)) == "2022"


def test_it_queues_one_notice_per_public_step(orgs, make_user):
    s = Scenario(orgs, make_user)
    s.reach("replied")
    templates = list(OutboxMessage.objects.filter(case=s.case).order_by("id").values_list("template", flat=True))
    assert templates == ["registered", "forwarded", "accepted", "replied"]


def test_it_lets_the_petitioner_rate_and_ask_for_review_but_nothing_else(orgs, make_user):
    from xinfang.cases.models_procedure import Evaluation

    s = Scenario(orgs, make_user)
    s.reach("replied")
    engine.apply(s.case.pk, "evaluate", user=engine.PETITIONER,
                 data={"rating": "dissatisfied", "bureau_rating": "satisfied", "text": "没解决"}, at=s.at)
    assert set(Evaluation.objects.filter(case=s.case).values_list("target", "rating", "source")) == {
        ("handler", "dissatisfied", "self"), ("bureau", "satisfied", "self")}
    with pytest.raises(engine.TransitionError, match="工作人员"):
        engine.apply(s.case.pk, "close", user=engine.PETITIONER, at=s.at)
    engine.apply(s.case.pk, "review_request", user=engine.PETITIONER, data={"reason": "不服"}, at=s.at)
    s.case.refresh_from_db()
    assert s.case.status == "reviewing" and s.case.current_org == orgs["lx_gov"]
    event = s.case.events.get(action="review_request")
    assert event.actor is None and event.is_public

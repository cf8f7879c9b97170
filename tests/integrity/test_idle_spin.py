"""Every idle-spin (网上空转) rule on a constructed case: one that offends and a
near miss that must not be flagged. Rules run over a period as the worker does."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.test_access_and_search import make_case
from tests.cases.test_transitions_table import DECISION, REPLY, Scenario
from tests.concurrency import run_concurrently
from xinfang.cases.actions import PetitionerData, Registration, attach_repeat
from xinfang.cases.models import Category, Submission
from xinfang.cases.models_procedure import Evaluation, LetterKind, ReplyLetter
from xinfang.integrity import idle_spin
from xinfang.integrity.flags import raise_flags
from xinfang.integrity.models import Flag
from xinfang.integrity.sweep import sweep
from xinfang.orgs.models import Region


def run(rule, since=None, until=None):
    now = timezone.now()
    found = rule(since or now - timedelta(days=1), until or now + timedelta(days=400), now)
    raise_flags(found)
    return found


def scenario(orgs, make_user, state):
    s = Scenario(orgs, make_user)
    s.reach(state)
    return s


# -- (a) template replies ----------------------------------------------------------------

TEMPLATE = ("经调查核实，您反映的问题已转交相关部门处理，我单位高度重视，将继续跟踪督促，"
            "感谢您对我们工作的支持与理解。如对本答复不服，可在三十日内申请复查。")
DISTINCT = ["经现场勘查，{}号楼电梯控制板故障，已责成物业公司于本月内更换并经特检院验收合格后恢复运行。",
            "经核查，{}号地块施工单位夜间打桩未办理许可，已立案处罚五万元并责令停止夜间施工。",
            "经协调，拖欠的{}名农民工工资已由总包单位垫付，共计二十三万元，已于本周发放到位。",
            "经调查，{}路段积水系雨水管堵塞所致，已安排清淤并列入明年管网改造计划。",
            "经核实，{}号门店销售过期食品属实，已没收违法所得并处罚款，已告知您处理结果。",
            "经研究，您提出的在{}号公交站增设候车亭的建议已采纳，预计下月完成建设。"]


def letter(case, org, text, at):
    return ReplyLetter.objects.create(case=case, kind=LetterKind.REPLY, org=org, outcome="explain", text=text,
                                      legal_basis="", rights_notice="", drafted_at=at, signed_at=at)


def test_a_flags_a_reply_nearly_identical_to_five_others_of_the_same_org(orgs, lx_registrar):
    org, other = orgs["lx_zhujian"], orgs["wx_zhujian"]
    now = timezone.now()
    templated = [make_case(orgs["lx_bureau"], lx_registrar, seq=i) for i in range(1, 7)]
    for i, case in enumerate(templated):
        letter(case, org, TEMPLATE + ("" if i % 2 else "特此答复。"), now - timedelta(days=i))
    # Near misses: six specific replies of the same org, and the template used
    # five times more by another org (each has only four twins there).
    for i, text in enumerate(DISTINCT):
        letter(make_case(orgs["lx_bureau"], lx_registrar, seq=10 + i), org, text.format(i + 3), now)
    for i in range(5):
        letter(make_case(orgs["lx_bureau"], lx_registrar, seq=20 + i), other, TEMPLATE, now)
    run(idle_spin.template_reply, since=now - timedelta(days=10))
    flagged = Flag.objects.filter(rule="template_reply")
    assert {f.case_id for f in flagged} == {c.pk for c in templated}
    f = flagged.first()
    assert f.org_id == org.pk and "高度雷同" in f.explanation and "至少5份" in f.explanation


# -- (b) last-minute reply with no recorded work --------------------------------------------

def test_b_flags_a_reply_on_the_last_days_with_no_work_recorded(orgs, make_user):
    s = scenario(orgs, make_user, "accepted")
    s.do("draft_reply", "lx_zhujian", "handler", later=57, **REPLY)
    s.do("reply", "lx_zhujian", "leader")
    run(idle_spin.last_minute_reply)
    flag = Flag.objects.get(rule="last_minute_reply")
    assert flag.case_id == s.case.pk and flag.org_id == orgs["lx_zhujian"].pk
    assert "没有任何调查核实" in flag.explanation and "期满" in flag.explanation


def test_b_near_miss_work_was_recorded_or_reply_was_early(orgs, make_user):
    worked = scenario(orgs, make_user, "accepted")
    worked.do("note", "lx_zhujian", "handler", later=20, text="约谈物业公司负责人，现场查看电梯")
    worked.do("draft_reply", "lx_zhujian", "handler", later=37, **REPLY)
    worked.do("reply", "lx_zhujian", "leader")
    early = scenario(orgs, make_user, "accepted")
    early.do("draft_reply", "lx_zhujian", "handler", later=30, **REPLY)
    early.do("reply", "lx_zhujian", "leader")
    assert run(idle_spin.last_minute_reply) == []


# -- (c) ping-pong ---------------------------------------------------------------------------

def test_c_flags_a_case_sent_back_to_where_it_came_from(orgs, make_user):
    s = scenario(orgs, make_user, "forwarded")
    s.do("object", "lx_zhujian", "handler", reason="不属于本单位职权")
    run(idle_spin.ping_pong)
    flag = Flag.objects.get(rule="ping_pong")
    assert flag.case_id == s.case.pk and flag.org_id == orgs["lx_zhujian"].pk
    assert "A→B→A" in flag.explanation and "梁溪区信访局" in flag.explanation


def test_c_near_miss_forwarded_once_and_accepted(orgs, make_user):
    scenario(orgs, make_user, "accepted")
    assert run(idle_spin.ping_pong) == []


# -- (d) repeat within 90 days of a reply -------------------------------------------------------

def repeat_registration(received_at):
    return Registration(
        channel="call", received_at=received_at, title="电梯还是没修", content="电梯还是没有修好，再次反映。",
        demands="", purpose="claim", category=Category.objects.filter(parent__isnull=False).first(),
        issue_region=Region.objects.get(code="320213021"),
        petitioners=[PetitionerData(name="张三", phone="13812345678", is_lead=True)],
        channel_fields={"caller_number": "13812345678"})


def test_d_flags_a_repeat_on_the_same_matter_within_90_days_of_the_reply(orgs, make_user):
    s = scenario(orgs, make_user, "replied")
    reply_at = s.case.letters.get(kind="reply").signed_at
    attach_repeat(s.case, repeat_registration(reply_at + timedelta(days=30)), actor=s.user("lx_bureau", "registrar"),
                  org=orgs["lx_bureau"])
    flag = Flag.objects.get(rule="repeat_after_reply")  # raised on the submission itself
    assert flag.case_id == s.case.pk and flag.org_id == orgs["lx_zhujian"].pk
    assert "第30日" in flag.explanation
    assert run(idle_spin.repeat_after_reply)  # the sweep finds it too, and raises nothing new
    assert Flag.objects.filter(rule="repeat_after_reply").count() == 1


def test_d_near_miss_repeat_after_ninety_days(orgs, make_user):
    s = scenario(orgs, make_user, "replied")
    reply_at = s.case.letters.get(kind="reply").signed_at
    attach_repeat(s.case, repeat_registration(reply_at + timedelta(days=100)),
                  actor=s.user("lx_bureau", "registrar"), org=orgs["lx_bureau"])
    assert Submission.objects.filter(case=s.case, is_repeat=True).exists()
    assert run(idle_spin.repeat_after_reply) == []
    assert not Flag.objects.filter(rule="repeat_after_reply").exists()


# -- (e) dissatisfied, closed with nothing changed ---------------------------------------------

def test_e_flags_a_dissatisfied_case_closed_without_any_follow_up(orgs, make_user):
    s = scenario(orgs, make_user, "replied")
    s.do("evaluate", "lx_bureau", "registrar", rating="dissatisfied", text="问题没解决")
    s.do("close", None, "system", later=40)
    run(idle_spin.dissatisfied_unchanged)
    flag = Flag.objects.get(rule="dissatisfied_unchanged")
    assert flag.case_id == s.case.pk and "不满意" in flag.explanation and "归档" in flag.explanation


def test_e_near_miss_satisfied_case_closed(orgs, make_user):
    s = scenario(orgs, make_user, "replied")
    s.do("evaluate", "lx_bureau", "registrar", rating="satisfied")
    s.do("close", None, "system", later=40)
    assert run(idle_spin.dissatisfied_unchanged) == []


def test_e_flags_a_review_upholding_the_reply_with_its_own_words(orgs, make_user):
    s = scenario(orgs, make_user, "reviewing")
    s.do("review_decide", "lx_gov", "leader", **{**DECISION, "text": REPLY["text"]})
    run(idle_spin.dissatisfied_unchanged)
    flag = Flag.objects.get(rule="dissatisfied_unchanged")
    assert flag.case_id == s.case.pk and "复查意见" in flag.explanation and "相似度" in flag.explanation


def test_e_near_miss_review_with_its_own_reasoning(orgs, make_user):
    s = scenario(orgs, make_user, "reviewing")
    s.do("review_decide", "lx_gov", "leader", **{**DECISION, "text": "经复查，重新调取维保记录并约谈物业，"
                                                                 "原处理意见认定事实清楚，予以维持。"})
    assert run(idle_spin.dissatisfied_unchanged) == []


# -- (f) evaluations mostly entered by staff (代评) ---------------------------------------------

def test_f_flags_an_org_whose_evaluations_are_mostly_proxy(orgs, lx_registrar):
    now = timezone.now()
    cases = [make_case(orgs["lx_bureau"], lx_registrar, seq=i) for i in range(1, 21)]

    def rate(org, n_proxy, n):
        for i, case in enumerate(cases[:n]):
            Evaluation.objects.create(case=case, target="handler", org=org, rating="satisfied",
                                      source="proxy" if i < n_proxy else "self", at=now - timedelta(days=i))

    rate(orgs["lx_zhujian"], 13, 20)  # 65 %
    rate(orgs["wx_zhujian"], 11, 20)  # 55 %: near miss
    rate(orgs["jy_zhujian"], 10, 10)  # all proxy but too few to judge
    run(idle_spin.proxy_evaluations, until=now)
    flag = Flag.objects.get(rule="proxy_evaluations")
    assert flag.case_id is None and flag.org_id == orgs["lx_zhujian"].pk
    assert "20条评价中有13条" in flag.explanation and "65%" in flag.explanation
    assert flag.period == f"{timezone.localtime(now):%Y-%m}"
    run(idle_spin.proxy_evaluations, until=now)  # the same period again: nothing new
    assert Flag.objects.filter(rule="proxy_evaluations").count() == 1


# -- idempotence ------------------------------------------------------------------------------

def test_the_sweep_raises_each_flag_once(orgs, make_user):
    s = scenario(orgs, make_user, "forwarded")
    s.do("object", "lx_zhujian", "handler", reason="不属于本单位职权")
    later = s.at + timedelta(minutes=1)
    first = sweep(later)
    assert first["ping_pong"] == 1
    assert sweep(later)["ping_pong"] == 0
    assert Flag.objects.filter(rule="ping_pong").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_raise_each_flag_once(orgs, make_user):
    s = scenario(orgs, make_user, "forwarded")
    s.do("object", "lx_zhujian", "handler", reason="不属于本单位职权")
    later = s.at + timedelta(minutes=1)
    run_concurrently(lambda: sweep(later))
    assert Flag.objects.filter(rule="ping_pong", case=s.case).count() == 1


def test_near_duplicate_search_finds_what_comparing_every_pair_finds():
    import random

    from xinfang.integrity.text_similarity import near_duplicates, set_cosine, term_set

    rng = random.Random(3)
    base = [TEMPLATE, *DISTINCT]
    texts = []
    for _ in range(80):
        words = list(rng.choice(base).format(rng.randint(1, 9)))
        for _k in range(rng.randint(0, 12)):  # a few characters changed
            words[rng.randrange(len(words))] = rng.choice("的一是在不了有和人这中大为上个国")
        texts.append("".join(words))
    sets = [term_set(t) for t in texts]
    for threshold in (0.8, 0.9):
        found = near_duplicates(texts, threshold=threshold, enough=1000)
        for i in range(len(texts)):
            brute = {j for j in range(len(texts)) if j != i and set_cosine(sets[i], sets[j]) >= threshold}
            assert {j for j, _ in found[i]} == brute


def test_d_flags_a_new_case_of_the_same_person_and_matter_after_the_reply(orgs, make_user):
    from tests.integrity.test_detection import register

    s = scenario(orgs, make_user, "replied")
    new = register(orgs["lx_bureau"], s.user("lx_bureau", "registrar"), "内容", title="反映问题", seq=1,
                   days_ago=-20)
    flag = Flag.objects.get(rule="repeat_after_reply")
    assert flag.case_id == s.case.pk and new.number in flag.explanation and "同一信访人" in flag.explanation


def test_d_flags_a_new_case_only_once_confirmed_as_the_same_matter(orgs, make_user):
    from tests.integrity.test_detection import register
    from xinfang.integrity.actions import decide_link
    from xinfang.integrity.models import CaseLink

    s = scenario(orgs, make_user, "replied")
    registrar = s.user("lx_bureau", "registrar")
    new = register(orgs["lx_bureau"], registrar, "内容", title="反映问题", seq=42, days_ago=-20)
    link = CaseLink.objects.get(case=new, earlier=s.case)
    assert not link.same_petitioner
    assert not Flag.objects.filter(rule="repeat_after_reply").exists()  # only offered, another person
    decide_link(link, user=registrar, confirm=True)
    flag = Flag.objects.get(rule="repeat_after_reply")
    assert flag.case_id == s.case.pk and "经确认为同一事项" in flag.explanation

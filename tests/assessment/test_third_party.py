"""Third-party call-backs: a reproducible random sample of replied cases, the
evaluator's masked view, their rating beside the petitioner's, and no way into
the staff pages."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.conftest import valid_id
from tests.disclosure.conftest import bj
from xinfang.accounts.models import User
from xinfang.assessment.actions import AssessmentError, draw, draw_sample, replied_population
from xinfang.assessment.models import SampledCase, ThirdPartyEvaluation, ThirdPartyEvaluator
from xinfang.cases.models import CaseOrg
from xinfang.orgs.access import visible_cases

pytestmark = pytest.mark.django_db
SEPT_START, SEPT_END = bj("2026-09-01 00:00").date(), bj("2026-09-30 00:00").date()


@pytest.fixture
def replied(orgs, make_case, sign_letter, add_petitioner):
    """Twelve cases replied in September in 梁溪区, one in August, one in 江阴."""
    cases = []
    for day in range(1, 13):
        c = make_case("lx_zhujian", status="replied", title=f"第{day}号 小区电梯停运")
        sign_letter(c, "lx_zhujian", at=f"2026-09-{day:02d} 10:00",
                    text=f"经调查，已督促物业修复电梯。联系人李四，电话13900001111。第{day}号")
        add_petitioner(c, "张三丰", id_number=valid_id(day), phone=f"1381234{day:04d}",
                       address="无锡市梁溪区崇安寺街道中山路100号")
        CaseOrg.objects.create(case=c, org=orgs["lx_zhujian"], relation="handling")
        cases.append(c)
    sign_letter(make_case("lx_zhujian", status="replied"), "lx_zhujian", at="2026-08-30 10:00")
    sign_letter(make_case("jy_zhujian", region="320281", status="replied", registered_by="jy_bureau"),
                "jy_zhujian", at="2026-09-05 10:00")
    return cases


@pytest.fixture
def organiser(make_user):
    user = make_user("lx_bureau", "supervisor")
    user.user_permissions.add(Permission.objects.get(codename="manage_third_party"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def evaluators(db):
    out = []
    for name in ("pingyi_a", "pingyi_b"):
        user = User.objects.create_user(name, password="pw-for-tests-123", full_name=name)
        out.append(ThirdPartyEvaluator.objects.create(user=user, company="无锡市第三方评议中心"))
    return out


def test_the_sample_is_reproducible_from_its_seed(replied, organiser, evaluators):
    population = replied_population("320213", SEPT_START, SEPT_END)
    assert population == sorted(c.pk for c in replied)  # August and 江阴 are outside
    first = draw_sample(user=organiser, region_code="320213", start=SEPT_START, end=SEPT_END, size=4, seed=20260901)
    again = draw_sample(user=organiser, region_code="320213", start=SEPT_START, end=SEPT_END, size=4, seed=20260901)
    ids = sorted(SampledCase.objects.filter(sample=first).values_list("case_id", flat=True))
    assert ids == sorted(SampledCase.objects.filter(sample=again).values_list("case_id", flat=True))
    assert ids == draw(population, 4, 20260901) and len(ids) == 4 and first.population == 12
    # Shared out between the active evaluators in turn.
    assert sorted(SampledCase.objects.filter(sample=first).values_list("evaluator_id", flat=True)) == sorted(
        [evaluators[0].pk, evaluators[1].pk] * 2)
    by_rate = draw_sample(user=organiser, region_code="320213", start=SEPT_START, end=SEPT_END, rate=0.25, seed=7)
    assert by_rate.size == 3


def test_only_authorised_staff_draw_samples(replied, make_user, evaluators, client):
    with pytest.raises(AssessmentError, match="没有组织第三方评议抽样的权限"):
        draw_sample(user=make_user("lx_bureau", "registrar"), region_code="320213", start=SEPT_START,
                    end=SEPT_END, size=2)
    assert not SampledCase.objects.exists()


def test_the_sample_page_draws_and_explains_bad_input(client, replied, organiser, evaluators):
    client.force_login(organiser)
    bad = client.post("/assessment/third-party/", {"region": "320213", "start": "2026-09-01", "end": "2026-09-30"})
    assert bad.status_code == 400 and "请填写抽样数量或比例" in bad.content.decode()
    other = client.post("/assessment/third-party/", {"region": "320281", "start": "2026-09-01",
                                                     "end": "2026-09-30", "size": "2"})
    assert other.status_code == 400 and "管辖范围" in other.content.decode()
    ok = client.post("/assessment/third-party/", {"region": "320213", "start": "2026-09-01", "end": "2026-09-30",
                                                  "size": "3", "seed": "42"})
    assert ok.status_code == 302 and SampledCase.objects.count() == 3


@pytest.fixture
def task(replied, organiser, evaluators):
    sample = draw_sample(user=organiser, region_code="320213", start=SEPT_START, end=SEPT_END, size=2, seed=1)
    return SampledCase.objects.filter(sample=sample, evaluator=evaluators[0]).select_related("case").get()


def test_the_evaluator_sees_only_what_a_call_back_needs(client, task, evaluators):
    client.force_login(evaluators[0].user)
    assert task.case.number in client.get("/assessment/callbacks/").content.decode()
    html = client.get(f"/assessment/callbacks/{task.pk}/").content.decode()
    lead = task.case.petitioner_links.get().petitioner
    assert "张**" in html and "张三丰" not in html
    assert lead.phone in html  # needed to call
    assert lead.id_number not in html and "中山路100号" not in html
    assert task.case.content not in html
    assert "13900001111" not in html and "李*" in html  # the reply summary is masked too


def test_another_evaluator_cannot_open_the_task(client, task, evaluators):
    client.force_login(evaluators[1].user)
    assert client.get(f"/assessment/callbacks/{task.pk}/").status_code == 404


def test_evaluators_reach_no_staff_page(client, task, evaluators, make_user):
    user = evaluators[0].user
    assert not visible_cases(user).exists()
    client.force_login(user)
    assert client.get(f"/cases/{task.case.pk}/").status_code == 404
    assert client.get("/assessment/")["Location"] == "/assessment/callbacks/"
    assert client.get("/assessment/drill/?key=satisfaction&part=numerator").status_code == 403
    assert client.get("/assessment/schemes/").status_code == 403
    # Even the demo's evaluator seat (第三方评议中心, role evaluator) sees no case.
    demo = make_user("wx_third", "evaluator")
    ThirdPartyEvaluator.objects.create(user=demo, company="无锡市第三方评议中心")
    assert not visible_cases(demo).exists()
    # And staff cannot open the evaluators' pages.
    client.force_login(make_user("lx_bureau", "leader"))
    assert client.get("/assessment/callbacks/").status_code == 403


def test_the_rating_is_recorded_and_shown_beside_the_petitioners(client, task, evaluators, make_user, orgs):
    from xinfang.cases.models_procedure import Evaluation

    client.force_login(evaluators[0].user)
    url = f"/assessment/callbacks/{task.pk}/"
    bad = client.post(url, {"outcome": "reached", "rating": ""})
    assert bad.status_code == 400 and "请选择信访人的评价" in bad.content.decode()
    assert not ThirdPartyEvaluation.objects.exists()
    assert client.post(url, {"outcome": "reached", "rating": "dissatisfied", "note": "认为维修不彻底"}).status_code == 302
    found = ThirdPartyEvaluation.objects.get()
    assert (found.case_id, found.rating, found.evaluator_id) == (task.case_id, "dissatisfied", evaluators[0].pk)

    Evaluation.objects.create(case=task.case, org=orgs["lx_zhujian"], target="handler", rating="satisfied",
                              source="self", at=timezone.now())
    client.force_login(make_user("lx_zhujian", "handler"))
    html = client.get(f"/cases/{task.case.pk}/").content.decode()
    evaluations = html.index('data-testid="evaluations"')
    third = html.index('data-testid="third-party-results"')
    assert evaluations < third and "认为维修不彻底" in html[third:] and "不满意" in html[third:]


def test_a_demo_evaluator_seat_enrols_and_the_nav_link_leads_to_the_call_backs(client, make_user, replied,
                                                                               organiser):
    seated = make_user("wx_third", "evaluator")
    sample = draw_sample(user=organiser, region_code="320213", start=SEPT_START, end=SEPT_END, size=2, seed=3)
    assert SampledCase.objects.filter(sample=sample, evaluator__user=seated).count() == 2
    client.force_login(seated)
    response = client.get("/assessment/")
    assert response.status_code == 302 and response["Location"] == "/assessment/callbacks/"
    assert client.get("/assessment/callbacks/").status_code == 200

"""Two-way evaluation: the handling org assesses the petition (合理 / 部分合理 /
不合理) from the case page; each change is kept; archived cases are frozen."""

import pytest

from xinfang.assessment.actions import AssessmentError, record_handler_assessment
from xinfang.assessment.models import HandlerAssessment
from xinfang.cases.models import CaseOrg, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(orgs, make_case):
    c = make_case("lx_zhujian", status=Status.REPLIED)
    for key, relation in (("lx_bureau", "registered"), ("lx_zhujian", "handling")):
        CaseOrg.objects.create(case=c, org=orgs[key], relation=relation)
    return c


def test_it_records_the_handlers_assessment_from_the_case_page_and_keeps_history(client, make_user, case):
    handler = make_user("lx_zhujian", "handler")
    client.force_login(handler)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="assess-form"' in page and "尚未评估" in page

    client.post(f"/assessment/cases/{case.pk}/assess/", {"verdict": "partly", "note": "部分诉求有政策依据"})
    client.post(f"/assessment/cases/{case.pk}/assess/", {"verdict": "reasonable", "note": "补充调查后认定"})
    rows = list(HandlerAssessment.objects.filter(case=case).order_by("at", "id").values_list("verdict", flat=True))
    assert rows == ["partly", "reasonable"]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<strong>合理</strong>" in page and "历次评估（1）" in page and "部分诉求有政策依据" in page


def test_only_the_handling_org_may_assess(client, make_user, case):
    registrar = make_user("lx_bureau", "registrar")
    client.force_login(registrar)
    assert 'data-testid="assess-form"' not in client.get(f"/cases/{case.pk}/").content.decode()
    with pytest.raises(AssessmentError, match="只有办理单位"):
        record_handler_assessment(case.pk, user=registrar, verdict="reasonable")
    client.post(f"/assessment/cases/{case.pk}/assess/", {"verdict": "reasonable"})
    assert not HandlerAssessment.objects.exists()


def test_an_outsider_cannot_even_find_the_case(client, make_user, case):
    client.force_login(make_user("jy_zhujian", "handler"))
    assert client.post(f"/assessment/cases/{case.pk}/assess/", {"verdict": "reasonable"}).status_code == 404
    assert not HandlerAssessment.objects.exists()


def test_bad_input_and_archived_cases_change_nothing(make_user, case):
    handler = make_user("lx_zhujian", "leader")
    with pytest.raises(AssessmentError, match="请选择评估结论"):
        record_handler_assessment(case.pk, user=handler, verdict="maybe")
    record_handler_assessment(case.pk, user=handler, verdict="unreasonable")
    case.status = Status.CLOSED
    case.save(update_fields=["status"])
    with pytest.raises(AssessmentError, match="已办结归档"):
        record_handler_assessment(case.pk, user=handler, verdict="reasonable")
    assert list(HandlerAssessment.objects.values_list("verdict", flat=True)) == ["unreasonable"]


def test_the_signing_org_stays_the_assessor_after_the_case_moves_on(make_user, orgs, case, sign_letter):
    sign_letter(case, "lx_zhujian")
    case.current_org = orgs["lx_gov"]
    case.status = Status.REVIEWING
    case.save(update_fields=["current_org", "status"])
    found = record_handler_assessment(case.pk, user=make_user("lx_zhujian", "handler"), verdict="reasonable")
    assert found.org == orgs["lx_zhujian"]

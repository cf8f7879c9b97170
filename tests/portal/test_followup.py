"""After the reply the petitioner rates it online — the bureau and the handling
org separately — and may ask for 复查, then 复核, within their 30-day windows.
不满意 puts the case before the supervisors of every bureau above it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xinfang.cases import workflow_engine as engine
from xinfang.cases.models import Case
from xinfang.cases.models_procedure import Evaluation
from xinfang.notifications.models import Notification
from xinfang.portal.actions import evaluate_case, request_review
from xinfang.portal.queries import dissatisfied_cases
from xinfang.rules.models import Clock

from .conftest import track

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(submitted, staff):
    staff.reply(submitted)
    return submitted


@pytest.fixture
def opened(client, replied):
    """The petitioner has typed the code once; returns the case page URL."""
    return track(client, replied)["Content-Location"]


def test_it_offers_evaluation_and_review_only_after_the_reply(client, submitted, staff):
    url = track(client, submitted)["Content-Location"]
    html = client.get(url).content.decode()
    assert 'data-testid="evaluation-form"' not in html and 'data-testid="review-form"' not in html
    staff.reply(submitted)
    html = client.get(url).content.decode()
    assert 'data-testid="evaluation-form"' in html and 'data-testid="review-form"' in html
    assert "梁溪区人民政府" in html  # who would review it


def test_it_records_a_satisfied_rating_of_each_org(client, opened, replied, orgs):
    resp = client.post(opened + "evaluate/", {"bureau_rating": "satisfied", "rating": "basically_satisfied",
                                              "text": "处理及时"})
    assert resp.status_code == 302
    ratings = {(e.target, e.org_id, e.rating, e.source) for e in Evaluation.objects.all()}
    assert ratings == {("bureau", orgs["lx_bureau"].pk, "satisfied", "self"),
                       ("handler", orgs["lx_zhujian"].pk, "basically_satisfied", "self")}
    assert not Notification.objects.filter(kind="dissatisfied").exists()
    html = client.get(opened).content.decode()
    assert "评价已提交，感谢您的参与" in html and "基本满意" in html and 'data-testid="evaluation-form"' not in html


def test_it_puts_a_dissatisfied_case_before_the_supervisors(client, opened, replied, make_user):
    supervisors = [make_user(k, "supervisor") for k in ("lx_bureau", "wx_bureau", "js_bureau")]
    elsewhere = make_user("jy_bureau", "supervisor")
    registrar = make_user("lx_bureau", "registrar")

    resp = client.post(opened + "evaluate/", {"bureau_rating": "satisfied", "rating": "dissatisfied",
                                              "text": "电梯仍未修好"})

    assert resp.status_code == 302
    notified = set(Notification.objects.filter(kind="dissatisfied").values_list("user_id", flat=True))
    assert notified == {u.pk for u in supervisors}
    note = Notification.objects.filter(kind="dissatisfied").first()
    assert replied.number in note.text and "办理单位" in note.text and note.case_id == replied.pk
    for u in supervisors:
        assert list(dissatisfied_cases(u)) == [replied]
    assert not dissatisfied_cases(elsewhere).exists() and not dissatisfied_cases(registrar).exists()


def test_it_drops_the_case_from_the_queue_once_rehandling_is_ordered(client, opened, replied, make_user, staff):
    sup = make_user("lx_bureau", "supervisor")
    client.post(opened + "evaluate/", {"bureau_rating": "dissatisfied", "rating": "dissatisfied"})
    assert dissatisfied_cases(sup).count() == 1
    engine.apply(replied.pk, "rehandle", user=make_user("wx_bureau", "supervisor"), data={"reason": "群众不满意"})
    assert dissatisfied_cases(sup).count() == 0


def test_it_accepts_one_evaluation_only(client, opened, replied):
    client.post(opened + "evaluate/", {"bureau_rating": "satisfied", "rating": "satisfied"})
    resp = client.post(opened + "evaluate/", {"bureau_rating": "dissatisfied", "rating": "dissatisfied"})
    assert resp.status_code == 400 and "您已对本事项作出评价" in resp.content.decode()
    assert set(Evaluation.objects.values_list("rating", flat=True)) == {"satisfied"}


def test_it_requires_both_ratings(client, opened, replied):
    resp = client.post(opened + "evaluate/", {"rating": "satisfied"})
    assert resp.status_code == 400 and "请评价信访部门" in resp.content.decode()
    assert not Evaluation.objects.exists()


def test_it_refuses_an_evaluation_after_the_window(replied):
    late = timezone.now() + timedelta(days=40)
    with pytest.raises(engine.TransitionError, match="已超过评价期限"):
        evaluate_case(replied, bureau_rating="satisfied", rating="satisfied", at=late)


def test_it_requests_review_then_reexamination(client, opened, replied, staff, orgs):
    resp = client.post(opened + "review/", {"reason": "电梯至今未修好，答复与事实不符"})
    assert resp.status_code == 302
    case = Case.objects.get()
    assert (case.status, case.current_org) == ("reviewing", orgs["lx_gov"])
    html = client.get(opened).content.decode()
    assert "已提交复查申请" in html and "复查中" in html and "申请复查" in html

    staff.decide_review(case)
    html = client.get(opened).content.decode()
    assert "复查意见书" in html and "维持原处理意见。" in html and "无锡市人民政府" in html

    resp = client.post(opened + "review/", {"reason": "对复查意见不服，请求复核"})
    assert resp.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.current_org) == ("reexamining", orgs["wx_gov"])
    assert 'data-testid="review-form"' not in client.get(opened).content.decode()


def test_it_requires_a_reason(client, opened, replied):
    resp = client.post(opened + "review/", {"reason": ""})
    assert resp.status_code == 400 and "请填写请求理由" in resp.content.decode()
    assert Case.objects.get().status == "replied"


def test_it_refuses_a_review_request_after_30_days_in_chinese(client, opened, replied):
    later = timezone.now() + timedelta(days=45)
    with pytest.raises(engine.TransitionError, match="已超过30日的复查申请期限"):
        request_review(replied, reason="逾期申请", at=later)
    # The window ran out yesterday (the clock is moved back rather than the session forward).
    yesterday = timezone.now() - timedelta(days=1)
    Clock.objects.filter(case=replied, kind="review_request").update(due_at=yesterday, due_date=yesterday.date())
    html = client.get(opened).content.decode()
    assert "已超过30日的复查申请期限" in html and 'data-testid="review-form"' not in html
    resp = client.post(opened + "review/", {"reason": "逾期也想申请复查"})
    assert resp.status_code == 400 and "已超过30日的复查申请期限" in resp.content.decode()
    assert Case.objects.get().status == "replied"


def test_it_refuses_follow_ups_without_access(client_factory, replied):
    stranger = client_factory()
    assert stranger.post("/track/abc/evaluate/", {"bureau_rating": "satisfied", "rating": "satisfied"}).status_code == 404
    assert stranger.post("/track/abc/review/", {"reason": "理由理由理由"}).status_code == 404
    assert not Evaluation.objects.exists()


def test_it_explains_a_follow_up_the_state_does_not_allow(client, submitted):
    url = track(client, submitted)["Content-Location"]
    resp = client.post(url + "evaluate/", {"bureau_rating": "satisfied", "rating": "satisfied"})
    assert resp.status_code == 400 and "当前状态为“已登记待处理”，不能记录评价" in resp.content.decode()
    resp = client.post(url + "review/", {"reason": "还没答复就想复查"})
    assert resp.status_code == 400 and "当前状态不能申请复查或复核" in resp.content.decode()
    assert not Evaluation.objects.exists() and Case.objects.get().status == "registered"

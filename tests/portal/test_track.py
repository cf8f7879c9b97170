"""进度查询: the query code and the phone's last four digits open the public
view of the case — public steps only, the petitioner masked — and wrong
guesses are throttled without saying which half was wrong."""

import re

import pytest

from xinfang.cases.models import Case

from .conftest import track

pytestmark = pytest.mark.django_db

NO_MATCH = "查询码或手机号码后四位不正确，请核对后重新输入"


def test_it_shows_the_public_timeline_and_masks_the_petitioner(client, submitted, staff):
    staff.do(submitted, "forward", "lx_bureau", "registrar", to_org=staff.orgs["lx_zhujian"].pk, text="请依法处理")
    staff.do(submitted, "accept", "lx_zhujian", "handler")
    staff.do(submitted, "note", "lx_zhujian", "handler", text="内部记录：约谈物业经理")

    resp = track(client, submitted, follow=True)

    html = resp.content.decode()
    assert resp.status_code == 200
    assert submitted.number in html and "已受理办理中" in html and "梁溪区住房和城乡建设局" in html
    assert "张*" in html and "138****5678" in html
    assert "张三" not in html and "13812345678" not in html and "320213" + "1978" not in html
    for label in ("登记", "转送", "受理"):
        assert f'<span class="fw-bold">{label}</span>' in html
    assert "内部记录" not in html  # a non-public event
    assert "办理" in html and "应在" in html  # the running 办理 clock and its due date
    handle = submitted.clocks.get(kind="handle")
    assert f"{handle.due_date:%Y-%m-%d}" in html


def test_it_answers_wrong_code_and_wrong_digits_alike(client, submitted):
    wrong_digits = track(client, submitted, last4="0000")
    wrong_code = client.post("/track/", {"query_code": "ABCDEFGHJKLM", "phone_last4": "5678"})
    for resp in (wrong_digits, wrong_code):
        assert resp.status_code == 400
        assert NO_MATCH in resp.content.decode()
    assert "张*" not in wrong_digits.content.decode()


def test_it_accepts_the_code_in_lower_case_with_spaces(client, submitted):
    code = submitted.query_code.lower()
    resp = client.post("/track/", {"query_code": f"{code[:4]} {code[4:8]} {code[8:]}", "phone_last4": "5678"})
    assert resp.status_code == 200 and submitted.number in resp.content.decode()


def test_it_throttles_after_five_failures_per_ip(client, submitted):
    for i in range(5):
        resp = client.post("/track/", {"query_code": f"WRONGCODE{i:03d}", "phone_last4": "5678"})
        assert NO_MATCH in resp.content.decode()
    resp = track(client, submitted)  # now even the right answer waits
    assert resp.status_code == 400 and "查询失败次数过多，请15分钟后再试" in resp.content.decode()
    # The same petitioner from another network is not affected by this IP's failures.
    assert track(client, submitted, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_it_throttles_guesses_at_one_code_from_many_ips(client, submitted):
    for i in range(5):
        track(client, submitted, last4=f"000{i}", REMOTE_ADDR=f"10.0.0.{i}")
    resp = track(client, submitted, REMOTE_ADDR="10.0.1.1")
    assert "查询失败次数过多" in resp.content.decode()


def test_it_keeps_the_access_in_this_session_only(client, submitted, client_factory):
    url = track(client, submitted)["Content-Location"]
    assert client.get(url).status_code == 200
    assert client_factory().get(url).status_code == 404  # the link alone opens nothing
    client.post("/track/leave/")
    assert client.get(url).status_code == 404


def test_it_shows_the_signed_reply_letter(client, submitted, staff):
    staff.reply(submitted)
    html = track(client, submitted, follow=True).content.decode()
    assert "答复意见书" in html and "经调查，已督促物业公司维修电梯。" in html and "解释说明" in html
    assert "《物业管理条例》第三十五条" in html and "答复意见书送达" in html  # the notice


def test_it_hides_a_draft_that_is_not_signed(client, submitted, staff):
    staff.do(submitted, "forward", "lx_bureau", "registrar", to_org=staff.orgs["lx_zhujian"].pk)
    staff.do(submitted, "accept", "lx_zhujian", "handler")
    staff.do(submitted, "draft_reply", "lx_zhujian", "handler", outcome="support", text="草稿：同意维修",
             legal_basis="依据", rights_notice="告知")
    html = track(client, submitted, follow=True).content.decode()
    assert "草稿：同意维修" not in html
    assert Case.objects.get().status == "reply_pending"


def test_it_lists_only_running_clocks(client, submitted):
    html = track(client, submitted, follow=True).content.decode()
    dispose = submitted.clocks.get(kind="dispose")
    assert "处理" in html and f"{dispose.due_date:%Y-%m-%d}" in html


def test_the_answer_is_the_case_page_with_its_own_address(client, submitted):
    resp = track(client, submitted)
    url = resp["Content-Location"]
    assert resp.status_code == 200 and submitted.number in resp.content.decode()
    assert re.fullmatch(r"/track/[\w-]+/", url) and f'data-page-url="{url}"' in resp.content.decode()
    assert "no-store" in resp["Cache-Control"]  # a shared cache never keeps someone's case
    assert submitted.number in client.get(url).content.decode()


def test_tracking_keeps_no_server_session_and_no_personal_data_in_the_cookie(submitted, client_factory):
    from django.contrib.sessions.models import Session
    from django.core import signing

    from xinfang.portal.access import COOKIE, COOKIE_SALT

    Session.objects.all().delete()
    resp = track(client_factory(), submitted)  # another browser than the one that submitted
    assert resp.status_code == 200 and not Session.objects.exists()
    assert "sessionid" not in resp.cookies
    morsel = resp.cookies[COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    content = signing.loads(morsel.value, salt=COOKIE_SALT)
    assert [entry[0] for entry in content["a"].values()] == [submitted.pk]  # ids and times only
    for secret in (submitted.query_code, "5678", "张三", "13812345678"):
        assert secret not in str(content) and secret not in morsel.value


def test_a_tampered_grants_cookie_opens_nothing(client, submitted):
    from xinfang.portal.access import COOKIE

    url = track(client, submitted)["Content-Location"]
    value = client.cookies[COOKIE].value
    client.cookies[COOKIE] = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    assert client.get(url).status_code == 404


def test_asking_again_keeps_the_link_and_leaves_the_cookie_alone(submitted, client_factory):
    from xinfang.portal.access import COOKIE

    client = client_factory()
    first = track(client, submitted)
    assert COOKIE in first.cookies
    again = track(client, submitted)
    assert again["Content-Location"] == first["Content-Location"]
    assert COOKIE not in again.cookies  # nothing new to remember
    assert COOKIE not in client.get(first["Content-Location"]).cookies

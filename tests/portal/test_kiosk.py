"""电子触摸屏: its own layout, a shorter form registered as source kiosk,
read-only progress, and a reset that forgets the last person's cases."""

import pytest

from xinfang.cases.models import Case, Submission

from .conftest import Petitioner, track

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_kiosk(client, category, orgs):
    return Petitioner(client, category, url="/kiosk/petition/")


def test_it_renders_the_kiosk_pages_in_their_own_layout(client, orgs, settings):
    settings.PORTAL_KIOSK_IDLE_SECONDS = 90
    for url, text in (("/kiosk/", "我要信访"), ("/kiosk/petition/", "获取验证码"), ("/kiosk/track/", "退格"),
                      ("/kiosk/guide/", "15日")):
        html = client.get(url).content.decode()
        assert 'class="kiosk"' in html and 'data-idle-seconds="90"' in html, url
        assert text in html, url
        assert "信访公开" not in html  # not the website's navigation
    guide = client.get("/kiosk/guide/").content.decode()
    assert "《信访工作条例》第二十二条" in guide and "复核" in guide


def test_it_takes_a_short_petition_from_source_kiosk(at_kiosk, orgs):
    data = at_kiosk.form()
    for name in ("address", "title", "issue_address"):
        data.pop(name)
    data["demands"] = ""
    resp = at_kiosk.submit(data)

    assert resp.status_code == 200 and resp["Content-Location"].startswith("/kiosk/receipt/")
    sub = Submission.objects.select_related("case").get()
    assert (sub.channel, sub.online_source) == ("online", "kiosk")
    assert sub.case.title.startswith("我们小区的电梯已经停运三个月") and sub.case.registered_org == orgs["lx_bureau"]
    html = at_kiosk.client.get(resp["Content-Location"]).content.decode()
    assert sub.case.query_code in html and "打印回执" in html and 'class="kiosk"' in html


def test_it_shows_progress_read_only_and_forgets_it_on_reset(client, submitted):
    resp = client.post("/kiosk/track/", {"query_code": submitted.query_code, "phone_last4": "5678"})
    url = resp["Content-Location"]
    assert resp.status_code == 200 and url.startswith("/kiosk/track/")
    assert submitted.number in client.get(url).content.decode()  # the page's own address, in this browser
    html = resp.content.decode()
    assert submitted.number in html and "张*" in html and "evaluation-form" not in html

    client.post("/kiosk/reset/")

    assert client.get(url).status_code == 404


def test_it_forgets_the_cases_when_someone_returns_to_the_kiosk_home(client, submitted):
    web_url = track(client, submitted)["Content-Location"]
    client.get("/kiosk/")
    assert client.get(web_url).status_code == 404


def test_it_refuses_a_wrong_code_at_the_kiosk_too(client, submitted):
    resp = client.post("/kiosk/track/", {"query_code": submitted.query_code, "phone_last4": "0000"})
    assert resp.status_code == 400 and "查询码或手机号码后四位不正确" in resp.content.decode()
    assert Case.objects.count() == 1

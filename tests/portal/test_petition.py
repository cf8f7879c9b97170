"""网上信访: a real-name petition, verified by an SMS code, lands once at the
county-level bureau of the issue region; bad input says why in Chinese and
saves nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import valid_id
from xinfang.cases.models import Case, Submission
from xinfang.notifications.models import OutboxMessage
from xinfang.portal.models import PhoneVerification
from xinfang.rules.models import Clock

from .conftest import PHONE, last_code, request_code

pytestmark = pytest.mark.django_db

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def test_it_registers_an_online_petition_with_the_code_from_the_outbox(petitioner, orgs):
    resp = request_code(petitioner.client)
    assert resp.status_code == 200 and resp.json()["ok"]
    assert "138****5678" in resp.json()["message"] and resp.json()["wait"] == 60
    code = last_code()

    resp = petitioner.submit(code=code)

    assert resp.status_code == 200 and resp["Content-Location"].startswith("/petition/receipt/")
    assert 'data-testid="receipt"' in resp.content.decode()  # the answer is the receipt itself
    case = Case.objects.get()
    sub = Submission.objects.get()
    assert (case.channel, sub.online_source, case.registered_by, sub.registered_by) == ("online", "web", None, None)
    assert case.registered_org == orgs["lx_bureau"] and case.current_org == orgs["lx_bureau"]
    assert case.issue_region_id == "320213021" and case.title == "小区电梯停运三个月无人维修"
    lead = case.petitioner_links.get(is_lead=True).petitioner
    assert (lead.name, lead.phone, lead.id_number, lead.gender) == ("张三", PHONE, valid_id(1), "M")
    # Only a keyed hash of the code is kept, and it is now used up.
    v = PhoneVerification.objects.get()
    assert code not in v.code_hash and v.consumed_at is not None and v.consumed_token == sub.client_token

    receipt = petitioner.client.get(resp["Content-Location"])  # and it stays at its own address
    html = receipt.content.decode()
    assert html.count(case.query_code) == resp.content.decode().count(case.query_code)
    due = Clock.objects.get(case=case, kind="dispose").due_date
    assert case.number in html and case.query_code in html and "请抄写或拍照保存" in html
    assert f"信访部门应在 {due:%Y-%m-%d} 前作出处理" in html


def test_it_tells_a_phone_from_a_desktop_and_routes_to_the_city_without_a_county_bureau(petitioner, orgs):
    orgs["lx_bureau"].is_active = False
    orgs["lx_bureau"].save()
    petitioner.submit(HTTP_USER_AGENT=IPHONE)
    sub = Submission.objects.select_related("case").get()
    assert sub.online_source == "mobile"
    assert sub.case.registered_org == orgs["wx_bureau"]


def test_it_routes_to_the_bureau_of_the_chosen_district(petitioner, orgs):
    petitioner.submit(petitioner.form(issue_region="320281"))  # 江阴市, no street chosen
    assert Case.objects.get().registered_org == orgs["jy_bureau"]


def test_it_refuses_a_wrong_code_and_saves_nothing(petitioner):
    right = petitioner.get_code()
    wrong = "000000" if right != "000000" else "111111"

    resp = petitioner.submit(code=wrong)

    assert resp.status_code == 400
    assert "短信验证码不正确，还可尝试4次" in resp.content.decode()
    assert not Case.objects.exists() and not Submission.objects.exists()
    assert PhoneVerification.objects.get().attempts == 1


def test_it_kills_a_code_after_five_wrong_tries(petitioner):
    right = petitioner.get_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        petitioner.submit(code=wrong)
    resp = petitioner.submit(code=right)
    assert "短信验证码错误次数过多，请重新获取" in resp.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_an_expired_code(petitioner):
    code = petitioner.get_code()
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    resp = petitioner.submit(code=code)
    assert "短信验证码已过期，请重新获取" in resp.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_a_code_sent_to_another_phone(petitioner):
    code = petitioner.get_code()
    resp = petitioner.submit(petitioner.form(phone="13900001111"), code=code)
    assert "请先获取短信验证码" in resp.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_an_invalid_id_number_in_chinese(petitioner):
    good = valid_id(1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    resp = petitioner.submit(petitioner.form(id_number=bad))
    assert resp.status_code == 400
    assert "身份证号码校验位不正确，请核对" in resp.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "请填写姓名"),
    ("name", "<b>x</b>", "请填写真实姓名"),
    ("phone", "0510-82345678", "请填写本人的手机号码"),
    ("title", "", "请填写标题"),
    ("content", "太短", "信访内容请至少填写10个字"),
    ("purpose", "", "请选择信访目的"),
    ("category", "", "请选择内容分类"),
    ("issue_region", "", "请选择问题属地"),
    ("issue_region", "320102", "请选择问题属地（至少选到区县）"),  # 南京市玄武区: outside the city
    ("issue_region", "3202", "请选择问题属地（至少选到区县）"),
    ("pledge", "", "请阅读并勾选承诺"),
])
def test_it_explains_each_missing_or_wrong_field(petitioner, field, value, message):
    resp = petitioner.submit(petitioner.form(**{field: value}))
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_oversized_and_disguised_uploads(petitioner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 1000
    big = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n" + b"0" * 2000, content_type="application/pdf")
    exe = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    resp = petitioner.submit(petitioner.form(attachments=[big, exe]))
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "超过 1000" in html and "的内容与扩展名不符，不是有效的PDF文件" in html
    assert not Case.objects.exists() and not any(tmp_path.iterdir())


def test_it_stores_a_genuine_attachment(petitioner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("照片说明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    petitioner.submit(petitioner.form(attachments=[pdf]))
    att = Case.objects.get().attachments.get()
    assert (att.original_name, att.kind, att.uploaded_by) == ("照片说明.pdf", "evidence", None)


def test_it_makes_one_case_from_a_double_submit_or_a_retry(petitioner):
    data = petitioner.form()
    data["sms_code"] = petitioner.get_code()

    first = petitioner.client.post("/petition/", data)
    second = petitioner.client.post("/petition/", data)  # double click / refresh / retry after a timeout

    assert first.status_code == second.status_code == 200
    assert Case.objects.count() == 1 and Submission.objects.count() == 1
    assert first["Content-Location"] == second["Content-Location"]  # the same receipt
    assert petitioner.client.get(second["Content-Location"]).status_code == 200


def test_it_makes_one_case_when_two_requests_race_past_the_first_check(petitioner):
    """Both requests passed every check before either registered: the second
    waits on the code's row lock, then finds the first one's submission."""
    from xinfang.portal.forms import PetitionForm
    from xinfang.portal.petition import check, submit

    data = petitioner.form()
    data["sms_code"] = petitioner.get_code()
    forms = [PetitionForm(data), PetitionForm(data)]
    verifications = [check(f, ip="10.0.0.1") for f in forms]
    assert all(verifications)

    a = submit(forms[0], verifications[0], source="web")
    b = submit(forms[1], verifications[1], source="web")

    assert (a.created, b.created) == (True, False) and a.submission == b.submission
    assert Case.objects.count() == 1


def test_it_does_not_show_a_receipt_for_someone_elses_token(petitioner, client_factory):
    data = petitioner.form()
    data["sms_code"] = petitioner.get_code()
    petitioner.client.post("/petition/", data)
    stranger = client_factory()
    stranger.get("/petition/")
    resp = stranger.post("/petition/", {**data, "phone": "13900001111"})
    assert resp.status_code == 400 and Case.objects.count() == 1


def test_a_leaked_form_token_shows_no_one_elses_receipt(petitioner, client_factory, category):
    """Someone with another's form token (and the page's solved challenge) and a
    verified phone of their own gets a refusal, not that person's receipt."""
    from .conftest import Petitioner

    data = petitioner.form()
    data["sms_code"] = petitioner.get_code()
    mine = petitioner.client.post("/petition/", data)
    assert mine.status_code == 200
    stranger = Petitioner(client_factory(), category, phone="13900001111")
    theirs = stranger.form(id_number=valid_id(2))
    theirs |= {k: data[k] for k in ("client_token", "pow_challenge", "pow_solution")}
    theirs["sms_code"] = stranger.get_code()
    resp = stranger.client.post("/petition/", theirs)
    assert resp.status_code == 400 and "该页面已经提交过" in resp.content.decode()
    assert Case.objects.get().query_code not in resp.content.decode()
    assert Case.objects.count() == 1 and "Content-Location" not in resp


def test_it_opens_the_receipt_only_in_the_submitting_session(petitioner, client_factory):
    resp = petitioner.submit()
    url = resp["Content-Location"]
    assert petitioner.client.get(url).status_code == 200
    assert client_factory().get(url).status_code == 404
    assert petitioner.client.get(url[:-5] + "xxxx/").status_code == 404


def test_it_limits_code_requests_to_one_a_minute_per_phone(petitioner, client_factory):
    assert request_code(petitioner.client).status_code == 200
    again = request_code(client_factory())  # another browser, same phone
    assert again.status_code == 429 and "秒后再重新获取" in again.json()["message"]
    assert 0 < again.json()["wait"] <= 60
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert request_code(petitioner.client).status_code == 200
    assert OutboxMessage.objects.filter(template="verification_code").count() == 2


def test_it_refuses_a_code_request_without_work_or_for_a_landline(client, orgs):
    resp = client.post("/petition/sms-code/", {"phone": PHONE, "challenge": "x", "solution": "1"})
    assert resp.status_code == 400 and "安全校验" in resp.json()["message"]
    assert request_code(client, "0510-82345678").status_code == 400
    assert not OutboxMessage.objects.exists()


def test_it_refuses_a_form_without_the_proof_of_work_or_with_the_honeypot(petitioner):
    code = petitioner.get_code()
    resp = petitioner.submit(petitioner.form(pow_solution=""), code=code)
    assert "页面安全校验未完成" in resp.content.decode()
    resp = petitioner.submit(petitioner.form(website="http://spam.example"), code=code)
    assert resp.status_code == 400 and "提交未通过安全校验" in resp.content.decode()
    assert not Case.objects.exists()


def test_it_uses_each_challenge_for_one_form_only(petitioner):
    data = petitioner.form()
    data["sms_code"] = petitioner.get_code()
    petitioner.client.post("/petition/", data)
    other = petitioner.form(id_number=valid_id(2))
    other |= {"pow_challenge": data["pow_challenge"], "pow_solution": data["pow_solution"], "sms_code": "123456"}
    resp = petitioner.client.post("/petition/", other)
    assert "该页面已经提交过，请勿重复提交" in resp.content.decode()


def test_it_checks_the_real_proof_of_work(settings):
    from xinfang.portal import challenge

    settings.PORTAL_POW_BITS = 16
    ch = challenge.issue("petition")
    solution = challenge.solve(ch)
    challenge.verify(ch, solution, purpose="petition", owner="a")
    challenge.verify(ch, solution, purpose="petition", owner="a")  # the same form again: fine
    with pytest.raises(challenge.ChallengeError, match="请勿重复提交"):
        challenge.verify(ch, solution, purpose="petition", owner="b")
    with pytest.raises(challenge.ChallengeError):
        challenge.verify(ch, solution, purpose="sms", owner="c")
    settings.PORTAL_POW_BITS = 20  # a challenge issued easier than the current difficulty
    with pytest.raises(challenge.ChallengeError):
        challenge.verify(ch, solution, purpose="petition", owner="a")


def test_it_limits_petitions_per_phone_per_day(petitioner, settings):
    settings.PORTAL_RATE_LIMITS = {"submit_phone": (2, 86400)}
    for seq in (1, 2):
        petitioner.submit(petitioner.form(title=f"第{seq}件"))
        PhoneVerification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    resp = petitioner.submit(petitioner.form(title="第3件"))
    assert resp.status_code == 429
    assert "该手机号码今日提交的信访事项已达2件" in resp.content.decode()
    assert Case.objects.count() == 2


def test_only_accepted_petitions_count_against_the_phones_daily_limit(petitioner, settings):
    """The per-phone count is taken at the door and given back when the post
    fails: wrong codes, a reused page, a retry of an accepted form."""
    settings.PORTAL_RATE_LIMITS = {"submit_phone": (1, 86400)}
    code = petitioner.get_code()
    for _ in range(3):
        assert petitioner.submit(code="000000" if code != "000000" else "111111").status_code == 400
    first = petitioner.form()
    first["sms_code"] = code
    assert petitioner.client.post("/petition/", first).status_code == 200
    assert petitioner.client.post("/petition/", first).status_code == 200  # a retry: the same receipt
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    resp = petitioner.submit(petitioner.form(title="第2件"))
    assert resp.status_code == 429 and "该手机号码今日提交的信访事项已达1件" in resp.content.decode()
    assert Case.objects.count() == 1


def test_only_codes_sent_count_against_the_phones_code_limit(petitioner, client_factory, settings):
    settings.PORTAL_RATE_LIMITS = {"sms_phone": (2, 86400)}
    assert request_code(petitioner.client).status_code == 200
    for _ in range(3):  # within the minute: refused, nothing sent, nothing counted
        assert request_code(client_factory()).status_code == 429
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert request_code(client_factory()).status_code == 200
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    resp = request_code(client_factory())
    assert resp.status_code == 429 and "获取验证码次数已达上限" in resp.json()["message"]
    assert OutboxMessage.objects.filter(template="verification_code").count() == 2


def test_it_limits_posts_per_ip_per_hour(petitioner, settings):
    settings.PORTAL_RATE_LIMITS = {"submit_ip": (3, 3600)}
    for _ in range(3):
        assert petitioner.client.post("/petition/", {"title": "x"}).status_code == 400
    code = petitioner.get_code()
    resp = petitioner.submit(code=code)
    assert resp.status_code == 429 and "提交过于频繁，请稍后再试" in resp.content.decode()
    assert not Case.objects.exists()
    # Another network is not affected.
    assert petitioner.submit(code=code, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_it_limits_code_requests_per_ip(client, orgs, settings):
    settings.PORTAL_RATE_LIMITS = {"sms_ip": (2, 3600)}
    for phone in ("13800000001", "13800000002"):
        assert request_code(client, phone).status_code == 200
    resp = request_code(client, "13800000003")
    assert resp.status_code == 429 and "获取验证码过于频繁" in resp.json()["message"]


def test_it_shows_script_in_every_field_as_text(petitioner):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    resp = petitioner.submit(petitioner.form(title=payload, content=payload * 2, demands=payload,
                                             address=payload, issue_address=payload))
    case = Case.objects.get()
    assert case.title == payload
    receipt = resp.content.decode()
    track = petitioner.client.post("/track/", {"query_code": case.query_code, "phone_last4": "5678"}, follow=True)
    for html in (receipt, track.content.decode()):
        assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in track.content.decode()
    # A rejected form echoes the input back, escaped.
    bad = petitioner.client.post("/petition/", petitioner.form(name=payload, id_number=payload))
    assert "<script>alert(1)" not in bad.content.decode() and "&lt;script&gt;" in bad.content.decode()


def test_it_serves_every_public_page_without_login(client, orgs):
    for url in ("/", "/petition/", "/track/", "/kiosk/", "/kiosk/petition/", "/kiosk/track/", "/kiosk/guide/",
                "/petition/regions/"):
        assert client.get(url).status_code == 200, url


def test_it_offers_only_the_citys_regions(client, orgs):
    districts = client.get("/petition/regions/").content.decode()
    assert "梁溪区" in districts and "江阴市" in districts and "南京" not in districts
    assert "崇安寺街道" in client.get("/petition/regions/?parent=320213").content.decode()
    assert "<option value=\"3201" not in client.get("/petition/regions/?parent=32").content.decode()


def test_it_purges_old_codes(petitioner):
    from django.core.management import call_command

    petitioner.get_code()
    call_command("purge_verifications")
    assert PhoneVerification.objects.count() == 1
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(days=2))
    call_command("purge_verifications")
    assert not PhoneVerification.objects.exists()


def test_receipts_of_one_org_share_one_rendering_and_show_only_their_own_values(orgs, category, client_factory):
    """The receipt answering a submission comes from the page cache: one
    rendering per org and rule article, each answer with its own case's number,
    query code, time and due date, and no marker left in it."""
    from tests.portal.conftest import Petitioner
    from xinfang.portal import page_cache

    page_cache.clear()
    answers = []
    for i, phone in enumerate(["13812345678", "13912345670"], start=1):
        p = Petitioner(client_factory(), category, phone=phone)
        resp = p.submit(p.form(id_number=valid_id(i), name=["张三", "李四"][i - 1]))
        assert resp.status_code == 200
        answers.append(resp.content.decode())
    receipts = [k for k in page_cache._pages if k[0] == "portal/receipt.html"]
    assert len(receipts) == 1  # one rendering served both
    cases = list(Case.objects.order_by("pk"))
    assert len(cases) == 2
    for case, html, other in zip(cases, answers, reversed(cases), strict=True):
        due = Clock.objects.get(case=case, kind="dispose").due_date
        received = timezone.localtime(case.submissions.get().received_at)
        assert case.number in html and case.query_code in html and f"{received:%Y-%m-%d %H:%M}" in html
        assert f"信访部门应在 {due:%Y-%m-%d} 前作出处理" in html and "梁溪区信访局" in html
        assert other.number not in html and other.query_code not in html
        assert page_cache.mark("") not in html  # every marker filled in

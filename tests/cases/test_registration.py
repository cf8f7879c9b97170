"""Registration by officials, through the real views and forms."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import valid_id
from xinfang.cases.models import Attachment, Case, CaseEvent, Petitioner, Submission

pytestmark = pytest.mark.django_db


def post(client, user, channel, data):
    client.force_login(user)
    return client.post(f"/cases/new/{channel}/", data)


@pytest.mark.parametrize("channel", ["letter", "visit", "call", "online"])
def test_it_registers_each_channel(client, lx_registrar, registration_post, channel):
    resp = post(client, lx_registrar, channel, registration_post(channel))
    assert resp.status_code == 302, resp.content.decode()[:3000]
    case = Case.objects.get()
    assert case.number.startswith("320213-")
    assert case.channel == channel
    assert case.submissions.get().channel == channel
    assert list(case.events.values_list("action", flat=True)) == ["register"]
    assert resp["Location"] == f"/cases/{case.pk}/"


def test_it_registers_a_letter_with_two_petitioners(client, lx_registrar, registration_post):
    data = registration_post("letter", **{
        "p-TOTAL_FORMS": "2", "p-1-name": "李四", "p-1-id_number": valid_id(2), "p-1-phone": "13912345678",
    })
    assert post(client, lx_registrar, "letter", data).status_code == 302
    case = Case.objects.get()
    links = list(case.petitioner_links.select_related("petitioner").order_by("-is_lead"))
    assert [(lk.petitioner.name, lk.is_lead) for lk in links] == [("张三", True), ("李四", False)]


def test_it_flags_a_group_visit_and_limits_representatives(client, lx_registrar, registration_post):
    six = {"p-TOTAL_FORMS": "6"}
    for i in range(1, 6):
        six |= {f"p-{i}-name": f"代表{i}", f"p-{i}-id_number": valid_id(10 + i)}
    resp = post(client, lx_registrar, "visit", registration_post("visit", headcount="30", **six))
    assert resp.status_code == 200
    assert "最多登记5名代表" in resp.content.decode()
    assert Case.objects.count() == 0

    five = {k: v for k, v in six.items() if not k.startswith("p-5-")} | {"p-TOTAL_FORMS": "5"}
    assert post(client, lx_registrar, "visit", registration_post("visit", headcount="30", **five)).status_code == 302
    case = Case.objects.get()
    assert case.is_group and case.headcount == 30
    assert case.petitioner_links.filter(is_representative=True).count() == 5


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"p-0-id_number": "320213197805170012"}, "校验位"),
        ({"p-0-id_number": "320213197802300010"}, "出生日期"),
        ({"p-0-phone": "+85291234567"}, "中国大陆"),
        ({"received_at": "2026-02-30T10:00"}, "有效的日期"),
        ({"postmark_date": "2026-13-01"}, "有效的邮戳日期"),
        ({"title": ""}, "这个字段是必填项"),
    ],
)
def test_it_rejects_bad_input_in_chinese_and_saves_nothing(client, lx_registrar, registration_post, overrides,
                                                            message):
    resp = post(client, lx_registrar, "letter", registration_post("letter", **overrides))
    assert resp.status_code == 200
    assert message in resp.content.decode()
    assert Case.objects.count() == Submission.objects.count() == Petitioner.objects.count() == 0


def test_it_rejects_an_exe_disguised_or_not(client, lx_registrar, registration_post):
    exe = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 100)
    resp = post(client, lx_registrar, "letter", registration_post("letter", scans=exe))
    assert "不支持的文件类型" in resp.content.decode()
    disguised = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    resp = post(client, lx_registrar, "letter", registration_post("letter", scans=disguised))
    assert "内容与扩展名不符" in resp.content.decode()
    assert Case.objects.count() == Attachment.objects.count() == 0


def test_it_rejects_a_50_mb_file(client, lx_registrar, registration_post, tmp_path):
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024))
    resp = post(client, lx_registrar, "letter", registration_post("letter", scans=big))
    assert "超过" in resp.content.decode()
    assert Case.objects.count() == 0


def test_it_stores_a_scan_and_serves_it_only_through_access_checks(client, lx_registrar, jy_handler,
                                                                   registration_post, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("来信扫描.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert post(client, lx_registrar, "letter", registration_post("letter", scans=pdf)).status_code == 302
    att = Attachment.objects.get()
    assert att.original_name == "来信扫描.pdf" and att.kind == "scan"
    url = f"/cases/{att.case_id}/attachments/{att.pk}/"
    resp = client.get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"%PDF")
    client.force_login(jy_handler)
    assert client.get(url).status_code == 404


def test_it_shows_script_as_text(client, lx_registrar, registration_post):
    evil = '<script>alert("x")</script>'
    data = registration_post("letter", title=evil, content=evil + "内容", demands=evil)
    assert post(client, lx_registrar, "letter", data).status_code == 302
    case = Case.objects.get()
    assert case.title == evil
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert evil not in html
    assert "&lt;script&gt;" in html
    assert evil not in client.get("/cases/?scope=all").content.decode()


def test_it_does_not_duplicate_a_double_submit(client, lx_registrar, registration_post):
    data = registration_post("letter")
    first = post(client, lx_registrar, "letter", data)
    second = post(client, lx_registrar, "letter", data)
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == Submission.objects.count() == 1
    assert CaseEvent.objects.count() == 1


def test_it_offers_earlier_cases_and_attaches_a_repeat(client, lx_registrar, registration_post):
    assert post(client, lx_registrar, "letter", registration_post("letter")).status_code == 302
    case = Case.objects.get()
    resp = client.get("/cases/lookup/", {"p-0-id_number": valid_id(1)})
    assert case.number in resp.content.decode()
    resp = client.get("/cases/lookup/", {"p-0-phone": "138 1234 5678"})
    assert case.number in resp.content.decode()

    data = registration_post("visit", repeat_of=str(case.pk), content="又来反映电梯问题")
    assert post(client, lx_registrar, "visit", data).status_code == 302
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.submission_count == 2 and not case.is_first_time
    assert list(case.events.values_list("action", flat=True)) == ["register", "repeat"]
    assert case.submissions.filter(is_repeat=True).count() == 1
    assert Petitioner.objects.count() == 1  # the same person, found by blind index


def test_it_encrypts_identity_at_rest(lx_registrar, client, registration_post):
    from django.db import connection

    post(client, lx_registrar, "letter", registration_post("letter"))
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone, address FROM cases_petitioner")
        raw = cur.fetchone()
    assert all(v.startswith("v1:") for v in raw)
    assert valid_id(1) not in "".join(raw) and "13812345678" not in "".join(raw)
    assert Petitioner.objects.get().id_number == valid_id(1)

"""The SMS gateways on their own: what the console writes, what the HTTP
backend puts on the wire, and which failures are worth retrying."""

import hashlib
import hmac
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from xinfang.notifications.gateways import ConsoleGateway, GatewayError, HttpGateway, get_gateway

from .conftest import SECRET

PHONE = "13812345678"


def test_it_writes_a_masked_json_line_and_prints_no_full_phone(tmp_path, capsys):
    path = tmp_path / "sub" / "sms.log"
    gw = ConsoleGateway(path, signature="【阳光信访】")
    provider_id = gw.send(PHONE, "您的验证码为123456。", idempotency_key="k-1")
    line = json.loads(path.read_text(encoding="utf-8").strip())
    assert line["to"] == "138****5678"
    assert line["text"] == "【阳光信访】您的验证码为123456。"
    assert line["key"] == "k-1"
    out = capsys.readouterr().out
    assert "138****5678" in out and "123456" in out
    assert PHONE not in out and PHONE not in path.read_text(encoding="utf-8")
    assert provider_id == gw.send(PHONE, "again", idempotency_key="k-1")  # stable per key


def test_it_masks_personal_data_inside_the_console_text(tmp_path, capsys):
    ConsoleGateway(tmp_path / "sms.log").send(PHONE, f"联系电话{PHONE}", idempotency_key="k")
    assert PHONE not in capsys.readouterr().out


def test_it_posts_the_rendered_body_with_signature_and_hmac(fake_gateway):
    gw = HttpGateway(fake_gateway.url, signature="【阳光信访】", secret=SECRET, timeout=2)
    provider_id = gw.send(PHONE, '含"引号"和{花括号}的内容', idempotency_key="event:1:accepted")
    assert provider_id == "fake-1"
    (req,) = fake_gateway.requests
    assert req.status == 200
    assert req.fields == {"phone": PHONE, "text": '【阳光信访】含"引号"和{花括号}的内容',
                          "idempotency_key": "event:1:accepted"}
    assert req.headers["Idempotency-Key"] == "event:1:accepted"
    expected = hmac.new(SECRET.encode(), req.headers["X-Timestamp"].encode() + b"." + req.raw,
                        hashlib.sha256).hexdigest()
    assert req.headers["X-Signature"] == f"sha256={expected}"


def test_it_builds_form_bodies_from_a_custom_template(fake_gateway):
    fake_gateway.secret = ""
    template = '{"mobile": "{phone}", "content": "{text}", "sign_name": "{sign}", "out_id": "{key}", "n": 1}'
    gw = HttpGateway(fake_gateway.url, template=template, body_format="form", signature="【阳光信访】")
    gw.send(PHONE, "正文", idempotency_key="k-9")
    assert fake_gateway.requests[0].fields == {"mobile": PHONE, "content": "正文", "sign_name": "【阳光信访】",
                                               "out_id": "k-9", "n": "1"}


def test_it_refuses_a_bad_signature(fake_gateway):
    gw = HttpGateway(fake_gateway.url, secret="wrong-secret")
    with pytest.raises(GatewayError) as e:
        gw.send(PHONE, "x", idempotency_key="k")
    assert not e.value.retryable
    assert "401" in str(e.value)


@pytest.mark.parametrize(("status", "retryable"), [(503, True), (500, True), (429, True), (400, False),
                                                   (404, False)])
def test_it_classifies_http_errors(fake_gateway, status, retryable):
    fake_gateway.status = status
    with pytest.raises(GatewayError) as e:
        HttpGateway(fake_gateway.url, secret=SECRET).send(PHONE, "x", idempotency_key="k")
    assert e.value.retryable is retryable


def test_it_retries_after_a_timeout(fake_gateway):
    fake_gateway.delay = 1.0
    with pytest.raises(GatewayError) as e:
        HttpGateway(fake_gateway.url, secret=SECRET, timeout=0.2).send(PHONE, "x", idempotency_key="k")
    assert e.value.retryable


def test_it_retries_when_nobody_listens(fake_gateway):
    url = fake_gateway.url
    fake_gateway.stop()
    with pytest.raises(GatewayError) as e:
        HttpGateway(url, timeout=1).send(PHONE, "x", idempotency_key="k")
    assert e.value.retryable


def test_it_refuses_bad_configuration(settings):
    with pytest.raises(ImproperlyConfigured):
        HttpGateway("file:///etc/passwd")
    with pytest.raises(ImproperlyConfigured):
        HttpGateway("http://127.0.0.1/", template="not json")
    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", ""
    with pytest.raises(ImproperlyConfigured):
        get_gateway()
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        get_gateway()


def test_it_selects_the_backend_from_settings(settings, http_sms):
    assert isinstance(get_gateway(), HttpGateway)
    settings.SMS_BACKEND = "console"
    assert isinstance(get_gateway(), ConsoleGateway)

"""SMS gateways: one small interface, two backends.

* `ConsoleGateway` (default, embedded mode): prints the message and appends a
  JSON line to `settings.SMS_FILE` (var/sms.log), phone masked, so a demo can
  read its verification codes without a provider.
* `HttpGateway`: POSTs to a provider (or the office's SMS platform) with a body
  built from a configurable template. Standard library only.

Every send carries an idempotency key (fixed per outbox row). A
well-behaved provider answers a repeated key with the first result instead of
sending again; that is what turns our at-least-once delivery into exactly-once
as the petitioner sees it."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from xinfang.lib.masking import mask_phone, mask_text

from .texts import PLACEHOLDER_RE

DEFAULT_HTTP_TEMPLATE = '{"phone": "{phone}", "text": "{sign}{text}", "idempotency_key": "{key}"}'
# Response fields providers commonly use for their message id.
_ID_FIELDS = ("message_id", "messageId", "msg_id", "msgid", "MsgId", "BizId", "sid", "id")


class GatewayError(Exception):
    """A failed send. `retryable` says whether trying again later may succeed
    (provider down, timeout) or not (number rejected, bad request)."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


class SmsGateway(Protocol):
    def send(self, phone: str, text: str, *, idempotency_key: str) -> str:
        """Send `text` to `phone`; return the provider's message id or raise GatewayError."""
        ...


def _stable_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


class ConsoleGateway:
    """Development backend. Never writes a full phone number anywhere."""

    def __init__(self, path: str | Path | None = None, *, signature: str = "", stream=None):
        self.path = Path(path) if path else None
        self.signature = signature
        self.stream = stream

    def send(self, phone: str, text: str, *, idempotency_key: str) -> str:
        masked, shown = mask_phone(phone), mask_text(self.signature + text)
        out = self.stream or sys.stdout  # looked up late, so test capture sees it
        out.write(f"[短信] 发往 {masked}：{shown}\n")
        if self.path is not None:
            line = json.dumps({"at": timezone.now().isoformat(), "to": masked, "text": shown,
                               "key": idempotency_key}, ensure_ascii=False)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_APPEND: concurrent workers' lines do not interleave; 0600: only the service reads it.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as f:
                f.write(line + "\n")
        return _stable_id("console", idempotency_key)


def _fill(template: Any, values: dict[str, str]) -> Any:
    """Substitute placeholders inside the string leaves of a parsed JSON template.
    Substituting after parsing means quotes or braces in the text cannot break the body."""
    if isinstance(template, str):
        # Values verbatim (no tidying as in texts.render); unknown placeholders stay.
        return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    return template


class HttpGateway:
    """POST to an HTTP SMS API.

    The body is `template` (a JSON object whose strings may contain `{phone}`,
    `{text}`, `{sign}`, `{key}`), sent as JSON or as a form. With a `secret`,
    the request is signed: `X-Timestamp: <unix seconds>` and
    `X-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
    5xx, 408, 429, timeouts and connection errors are retryable; other 4xx are not."""

    def __init__(self, url: str, *, template: str = DEFAULT_HTTP_TEMPLATE, body_format: str = "json",
                 signature: str = "", secret: str = "", timeout: float = 10.0,
                 signature_header: str = "X-Signature"):
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ImproperlyConfigured("SMS_HTTP_URL 必须是 http:// 或 https:// 地址")
        try:
            self.template = json.loads(template)
        except ValueError as e:
            raise ImproperlyConfigured(f"SMS_HTTP_TEMPLATE 不是合法的 JSON：{e}") from None
        if not isinstance(self.template, dict):
            raise ImproperlyConfigured("SMS_HTTP_TEMPLATE 必须是 JSON 对象")
        if body_format not in ("json", "form"):
            raise ImproperlyConfigured("SMS_HTTP_FORMAT 只能是 json 或 form")
        self.url, self.body_format, self.signature = url, body_format, signature
        self.secret, self.timeout, self.signature_header = secret, timeout, signature_header

    def build_body(self, phone: str, text: str, key: str) -> tuple[bytes, str]:
        fields = _fill(self.template, {"phone": phone, "text": text, "sign": self.signature, "key": key})
        if self.body_format == "form":
            flat = {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in fields.items()}
            return urllib.parse.urlencode(flat).encode(), "application/x-www-form-urlencoded; charset=utf-8"
        return json.dumps(fields, ensure_ascii=False).encode(), "application/json; charset=utf-8"

    def sign(self, body: bytes, timestamp: str) -> str:
        digest = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        return "sha256=" + digest.hexdigest()

    def send(self, phone: str, text: str, *, idempotency_key: str) -> str:
        body, content_type = self.build_body(phone, text, idempotency_key)
        headers = {"Content-Type": content_type, "Idempotency-Key": idempotency_key,
                   "User-Agent": "xinfang-sms/1"}
        if self.secret:
            timestamp = str(int(time.time()))
            headers["X-Timestamp"] = timestamp
            headers[self.signature_header] = self.sign(body, timestamp)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (scheme checked)
                raw, request_id = response.read(65536), response.headers.get("X-Request-Id", "")
        except urllib.error.HTTPError as e:
            retryable = e.code >= 500 or e.code in (408, 425, 429)
            raise GatewayError(f"短信网关返回 HTTP {e.code}", retryable=retryable) from None
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as e:
            reason = getattr(e, "reason", None) or type(e).__name__
            raise GatewayError(f"无法连接短信网关：{reason}", retryable=True) from None
        return _provider_id(raw) or request_id or _stable_id("http", idempotency_key)


def _provider_id(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except ValueError:
        return ""
    if isinstance(data, dict):
        for name in _ID_FIELDS:
            if data.get(name):
                return str(data[name])[:100]
    return ""


def get_gateway() -> SmsGateway:
    """The gateway chosen by settings.SMS_BACKEND: "console", "http" or a dotted class path."""
    backend = getattr(settings, "SMS_BACKEND", "console")
    signature = getattr(settings, "SMS_SIGNATURE", "【阳光信访】")
    if backend == "console":
        return ConsoleGateway(getattr(settings, "SMS_FILE", "") or None, signature=signature)
    if backend == "http":
        url = getattr(settings, "SMS_HTTP_URL", "")
        if not url:
            raise ImproperlyConfigured("SMS_BACKEND=http 时必须设置 SMS_HTTP_URL")
        return HttpGateway(
            url, template=getattr(settings, "SMS_HTTP_TEMPLATE", "") or DEFAULT_HTTP_TEMPLATE,
            body_format=getattr(settings, "SMS_HTTP_FORMAT", "json"), signature=signature,
            secret=getattr(settings, "SMS_HTTP_SECRET", ""), timeout=float(getattr(settings, "SMS_TIMEOUT", 10)),
            signature_header=getattr(settings, "SMS_HTTP_SIGNATURE_HEADER", "X-Signature"),
        )
    if "." in backend:
        return import_string(backend)()
    raise ImproperlyConfigured(f"未知的短信通道 SMS_BACKEND={backend!r}（可选 console、http）")

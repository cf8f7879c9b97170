"""A fake SMS provider for the tests: a real HTTP server on 127.0.0.1.

It behaves like a well-behaved provider: a repeated idempotency key gets the
first answer and sends nothing new. It can be switched down (503), to reject
(400) or to slow, and it checks the HMAC signature when given a secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    raw: bytes
    fields: dict
    status: int = 0


@dataclass
class Delivered:
    message_id: str
    phone: str
    text: str


@dataclass
class FakeSmsGateway:
    secret: str = ""
    status: int = 200
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    delivered: dict[str, Delivered] = field(default_factory=dict)  # idempotency key -> first delivery

    def __post_init__(self):
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.fake = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FakeSmsGateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def down(self) -> None:
        self.status = 503

    def up(self) -> None:
        self.status = 200

    def reject(self) -> None:
        self.status = 400

    def keys_sent(self) -> Counter:
        """How many times each idempotency key reached the provider (any answer)."""
        return Counter(r.headers.get("Idempotency-Key", "") for r in self.requests)

    def answer(self, request: Received) -> tuple[int, dict]:
        if self.delay:
            time.sleep(self.delay)
        if self.status != 200:
            return self.status, {"error": "unavailable" if self.status >= 500 else "bad request"}
        if self.secret:
            ts = request.headers.get("X-Timestamp", "")
            good = "sha256=" + hmac.new(self.secret.encode(), ts.encode() + b"." + request.raw,
                                        hashlib.sha256).hexdigest()
            if not hmac.compare_digest(good, request.headers.get("X-Signature", "")):
                return 401, {"error": "bad signature"}
        key = request.headers.get("Idempotency-Key") or str(request.fields.get("idempotency_key", ""))
        with self.lock:
            first = self.delivered.get(key)
            if first is not None:
                return 200, {"message_id": first.message_id, "duplicate": True}
            first = Delivered(f"fake-{len(self.delivered) + 1}", str(request.fields.get("phone", "")),
                              str(request.fields.get("text", "")))
            self.delivered[key] = first
        return 200, {"message_id": first.message_id}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        fake: FakeSmsGateway = self.server.fake  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Type", "").startswith("application/json"):
            fields = json.loads(raw)
        else:
            fields = dict(urllib.parse.parse_qsl(raw.decode()))
        request = Received(dict(self.headers.items()), raw, fields)
        with fake.lock:
            fake.requests.append(request)
        status, body = fake.answer(request)
        request.status = status
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, format, *args):  # keep test output quiet
        pass

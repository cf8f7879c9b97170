"""The portal bench's own HTTP client (bench/browser.py) against a real HTTP/1.1
server: bodies by length and chunked, cookies kept, forms encoded as urlencode
would, keep-alive reused and a connection the server closed opened again."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

import pytest

from bench.browser import Browser, FixedForm


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    connections: set = set()

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, body: bytes, *, chunked: bool = False, close: bool = False, cookie: str = "") -> None:
        Handler.connections.add(self.client_address)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        if cookie:
            self.send_header("Set-Cookie", cookie)
        if close:
            self.send_header("Connection", "close")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 7):
                part = body[i:i + 7]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        if close:
            self.close_connection = True

    def do_GET(self):
        if self.path == "/chunked":
            self._answer("分块的回答，足够长，跨过几个块".encode(), chunked=True)
        elif self.path == "/cookie":
            self._answer(b"set", cookie="sessionid=abc123; Path=/; HttpOnly")
        elif self.path == "/close":
            self._answer(b"bye", close=True)
        else:
            self._answer(f"cookie={self.headers.get('Cookie', '')}".encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(body)


@pytest.fixture
def port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Handler.connections = set()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_bodies_by_length_and_chunked_on_one_connection(port):
    b = Browser(port)
    status, _, body, ms = b.request("GET", "/plain")
    assert (status, body) == (200, "cookie=")
    assert ms > 0
    assert b.request("GET", "/chunked")[2] == "分块的回答，足够长，跨过几个块"
    assert b.request("GET", "/plain")[2] == "cookie="
    assert len(Handler.connections) == 1  # keep-alive: one connection for all three
    b.close()


def test_cookies_are_kept_and_sent_back(port):
    b = Browser(port)
    b.request("GET", "/cookie")
    assert b.request("GET", "/plain")[2] == "cookie=sessionid=abc123"
    b.move_to("127.0.0.1")  # a new visitor: no cookies
    assert b.request("GET", "/plain")[2] == "cookie="
    b.close()


def test_a_closed_connection_is_opened_again(port):
    b = Browser(port)
    assert b.request("GET", "/close")[2] == "bye"
    assert b.sock is None  # the server said close
    assert b.request("GET", "/plain")[0] == 200
    # The server dropped the idle connection behind the client's back: one retry.
    stale, gone = socket.socketpair()
    gone.close()
    b.sock.close()
    b.sock = stale
    assert b.request("GET", "/plain")[0] == 200
    b.close()


def test_forms_are_encoded_as_urlencode_encodes_them(port):
    fixed = {"title": "小区电梯停运 & 无人维修", "pledge": "on"}
    fields = {"challenge": "eyJiIjo4fQ:ab+c/=", "name": "张伟"}
    b = Browser(port)
    echoed = b.request("POST", "/echo", FixedForm(fixed).with_fields(fields))[2]
    assert parse_qs(echoed) == {k: [v] for k, v in {**fixed, **fields}.items()}
    assert b.request("POST", "/echo", fields)[2] == urlencode(fields)
    b.close()

"""Helpers for the public portal: a petitioner who fills the form the way the
browser does (fresh token and challenge from the page, the SMS code read from
the outbox) and the staff who answer through the engine."""

import re
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.cache import cache

from tests.conftest import valid_id
from xinfang.cases import workflow_engine as engine
from xinfang.notifications.models import OutboxMessage
from xinfang.portal import challenge, page_cache

PHONE = "13812345678"
REPLY = {"outcome": "explain", "text": "经调查，已督促物业公司维修电梯。", "legal_basis": "《物业管理条例》第三十五条",
         "rights_notice": "如不服，可于30日内申请复查。"}
DECISION = {"review_outcome": "uphold", "text": "维持原处理意见。", "legal_basis": "《信访工作条例》第三十五条",
            "rights_notice": "如不服，可于30日内申请复核。"}


def redis_up() -> bool:
    """A Redis server on 127.0.0.1:6379, for the tests that need a real one."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@contextmanager
def redis_writes():
    """The writes to Redis sockets made inside, each as the number of commands
    it carried: a round trip is one write, however its commands were sent."""
    from redis.connection import AbstractConnection

    real, writes = AbstractConnection.send_packed_command, []

    def counting(conn, command, *args, **kwargs):
        chunks = [command] if isinstance(command, (bytes, str)) else command
        data = b"".join(c.encode() if isinstance(c, str) else bytes(c) for c in chunks)
        writes.append(len(re.findall(rb"(?:^|\r\n)\*\d+\r\n\$", data)))
        return real(conn, command, *args, **kwargs)

    with mock.patch.object(AbstractConnection, "send_packed_command", counting):
        yield writes


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    """Rate limits and used challenges live in the cache: each test starts clean.
    A light proof of work keeps the suite fast (one test checks the real one)."""
    cache.clear()
    page_cache.clear()
    settings.PORTAL_POW_BITS = 8
    yield
    cache.clear()
    page_cache.clear()


def hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert m, f"no hidden field {name}"
    return m.group(1)


def sms_challenge(html: str) -> str:
    m = re.search(r'data-challenge="([^"]+)"', html)
    assert m, "no SMS challenge on the page"
    return m.group(1)


def request_code(client, phone: str = PHONE, page_html: str | None = None, **extra):
    """Press 获取验证码: returns the JSON answer."""
    html = page_html or client.get("/petition/").content.decode()
    ch = sms_challenge(html)
    resp = client.post("/petition/sms-code/", {"phone": phone, "challenge": ch, "solution": challenge.solve(ch)},
                       **extra)
    return resp


def last_code(phone: str = PHONE) -> str:
    msg = OutboxMessage.objects.filter(template="verification_code").order_by("-id").first()
    assert msg is not None and msg.recipient == phone
    return msg.payload["code"]


@dataclass
class Petitioner:
    """One person at the public form."""

    client: object
    category: object
    phone: str = PHONE
    url: str = "/petition/"

    def form(self, **overrides) -> dict:
        html = self.client.get(self.url).content.decode()
        ch = hidden(html, "pow_challenge")
        data = {
            "client_token": hidden(html, "client_token"),
            "pow_challenge": ch,
            "pow_solution": challenge.solve(ch),
            "name": "张三",
            "id_number": valid_id(1),
            "phone": self.phone,
            "address": "无锡市梁溪区崇安寺街道中山路100号",
            "title": "小区电梯停运三个月无人维修",
            "content": "我们小区的电梯已经停运三个月，物业公司一直推诿，老人上下楼非常困难。",
            "demands": "要求物业尽快修复电梯",
            "purpose": "claim",
            "category": str(self.category.pk),
            "issue_region": "320213021",
            "issue_address": "中山路100号",
            "pledge": "on",
        }
        data.update(overrides)
        return data

    def get_code(self, **extra) -> str:
        resp = request_code(self.client, self.phone, **extra)
        assert resp.status_code == 200, resp.json()
        return last_code(self.phone)

    def submit(self, data: dict | None = None, *, code: str | None = None, **extra):
        data = data or self.form()
        data.setdefault("sms_code", code or self.get_code())
        return self.client.post(self.url, data, **extra)


@pytest.fixture
def client_factory():
    """Another browser: its own cookies and session."""
    from django.test import Client

    return Client


@pytest.fixture
def petitioner(client, category, orgs):
    return Petitioner(client, category)


def track(client, case, last4: str | None = None, **extra):
    return client.post("/track/", {"query_code": case.query_code, "phone_last4": last4 or PHONE[-4:]}, **extra)


class Staff:
    """The staff side of a case registered at 梁溪区信访局 (issue in 梁溪区)."""

    def __init__(self, orgs, make_user):
        self.orgs, self.make_user, self.people = orgs, make_user, {}

    def user(self, org_key: str, role: str):
        if (org_key, role) not in self.people:
            self.people[(org_key, role)] = self.make_user(org_key, role)
        return self.people[(org_key, role)]

    def do(self, case, name: str, org_key: str, role: str, **data):
        engine.apply(case.pk, name, user=self.user(org_key, role), data=data)
        case.refresh_from_db()

    def reply(self, case):
        self.do(case, "forward", "lx_bureau", "registrar", to_org=self.orgs["lx_zhujian"].pk)
        self.do(case, "accept", "lx_zhujian", "handler")
        self.do(case, "draft_reply", "lx_zhujian", "handler", **REPLY)
        self.do(case, "reply", "lx_zhujian", "leader")

    def decide_review(self, case):
        self.do(case, "review_decide", "lx_gov", "leader", **DECISION)


@pytest.fixture
def staff(orgs, make_user):
    return Staff(orgs, make_user)


@pytest.fixture
def submitted(petitioner, orgs):
    """A petition submitted online; returns the case."""
    from xinfang.cases.models import Case

    resp = petitioner.submit()
    assert resp.status_code == 200 and "Content-Location" in resp, resp.content.decode()[:3000]
    return Case.objects.get()

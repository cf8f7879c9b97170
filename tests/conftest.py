"""Personas and helpers shared by the whole suite.

The org tree is the real demo tree of Wuxi; people are created per test with
the role they play: "registrar of 梁溪区信访局", "handler of 江阴市住建局" …"""

import os
import uuid
from datetime import date

import pytest
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _forget_process_caches():
    """Each test's rows roll back without a signal: start every test with the
    in-process copies of categories, regions, bureaus, rule sets and the work
    calendar forgotten (see xinfang.lib.memo)."""
    from xinfang.lib.memo import clear_all
    from xinfang.rules.calendar import invalidate_calendar_cache

    clear_all()
    invalidate_calendar_cache()
    yield


@pytest.fixture(autouse=True)
def _rate_limit_windows_held(monkeypatch):
    """The portal's rate limits count in fixed windows (15 minutes, an hour, a
    day): with the real clock, a test whose requests straddle a window's end
    sees its count start again halfway. Each test counts in the window it
    starts in; a test about windows passes its own `now`."""
    import time

    from xinfang.portal import ratelimit

    start = time.time()
    monkeypatch.setattr(ratelimit, "_clock", lambda: start)


@pytest.fixture
def orgs(db):
    from xinfang.demo.orgtree import build_org_tree

    return build_org_tree()


@pytest.fixture
def make_user(orgs):
    from xinfang.accounts.models import User
    from xinfang.orgs.models import Membership

    def make(org_key: str, role: str, username: str | None = None):
        user = User.objects.create_user(username or f"{org_key}_{role}_{uuid.uuid4().hex[:6]}",
                                        password="pw-for-tests-123", full_name=f"{org_key}{role}")
        Membership.objects.create(user=user, org=orgs[org_key], role=role)
        return user

    return make


@pytest.fixture
def lx_registrar(make_user):
    return make_user("lx_bureau", "registrar")


@pytest.fixture
def jy_handler(make_user):
    return make_user("jy_zhujian", "handler")


@pytest.fixture
def category(db):
    from xinfang.cases.models import Category

    return Category.objects.filter(parent__isnull=False).order_by("code").first()


def valid_id(seq: int = 1, birth: date = date(1978, 5, 17), region: str = "320213") -> str:
    from xinfang.lib.idcard import make_id_number

    return make_id_number(region, birth, seq)


@pytest.fixture
def registration_post(category):
    """A valid registration POST body for a channel; override keys per test."""

    def build(channel: str = "letter", **overrides) -> dict:
        now = timezone.localtime()
        data = {
            "client_token": uuid.uuid4().hex,
            "received_at": now.strftime("%Y-%m-%dT%H:%M"),
            "title": "小区物业不作为，电梯长期停运",
            "content": "我们是崇安寺街道某小区的业主，电梯已经停运三个月，物业一直推诿。",
            "demands": "要求物业尽快修复电梯",
            "purpose": "claim",
            "category": str(category.pk),
            "issue_region": "320213021",
            "issue_address": "中山路100号",
            "headcount": "1",
            "is_first_time": "on",
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0",
            "p-MIN_NUM_FORMS": "1",
            "p-MAX_NUM_FORMS": "10",
            "p-0-name": "张三",
            "p-0-id_number": valid_id(1),
            "p-0-phone": "13812345678",
            "p-0-address": "无锡市梁溪区崇安寺街道中山路100号",
            "p-0-is_lead": "on",
        }
        if channel == "letter":
            data |= {"postmark_date": (now.date()).isoformat(), "letter_received_date": now.date().isoformat()}
        elif channel == "visit":
            data |= {"receiving_officer": "王接待"}
        elif channel == "call":
            data |= {"caller_number": "0510-82345678"}
        elif channel == "online":
            data |= {"online_source": "proxy"}
        data.update(overrides)
        return data

    return build

"""Fixtures for the notification tests: the fake provider, SMS settings
pointing at it, and a case driven through the real procedure."""

import pytest

from .fake_gateway import FakeSmsGateway

SECRET = "test-hmac-secret"


@pytest.fixture(autouse=True)
def _sms_file(settings, tmp_path):
    """The console backend writes to a per-test file, never to var/sms.log."""
    settings.SMS_BACKEND = "console"
    settings.SMS_FILE = str(tmp_path / "sms.log")
    settings.SMS_SIGNATURE = "【阳光信访】"


@pytest.fixture(autouse=True)
def _templates(request):
    """Transactional tests elsewhere flush every table; the post_migrate
    handler restores the templates, but make sure before tests that read them."""
    uses = set(request.fixturenames)
    if not {"db", "transactional_db"} & uses and request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in uses else "db")
    from xinfang.notifications.models import MessageTemplate
    from xinfang.notifications.seed import seed_templates

    seed_templates(MessageTemplate)


@pytest.fixture
def fake_gateway():
    fake = FakeSmsGateway(secret=SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture
def http_sms(settings, fake_gateway):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = fake_gateway.url
    settings.SMS_HTTP_SECRET = SECRET
    settings.SMS_HTTP_FORMAT = "json"
    settings.SMS_HTTP_TEMPLATE = '{"phone": "{phone}", "text": "{sign}{text}", "idempotency_key": "{key}"}'
    settings.SMS_TIMEOUT = 2
    return fake_gateway


@pytest.fixture
def scenario(orgs, make_user):
    from tests.cases.test_transitions_table import Scenario

    return Scenario(orgs, make_user)

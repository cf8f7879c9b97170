"""Browser fixtures: Debian chromium driven by Playwright's sync API against
pytest-django's live server.

Every browser test runs with transactional DB access (the live server answers
from other threads, so the data must really be committed), and Django flushes
every table after it. The apps put their reference data back after a flush
(post_migrate receivers in orgs/cases/rules `apps.py`), but reloading 44,703
regions through the ORM costs 1–2 s per test. `_reference_snapshot` keeps a
copy of the regions, categories and work calendar in tables flush does not know about and,
from a post_migrate receiver that runs before the apps' own, copies them back
inside the database in a fraction of that time; the apps' receivers then find
the data present and do nothing."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

PASSWORD = "pw-for-tests-123"  # what tests/conftest.py `make_user` sets
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)

# Tables seeded by migrations and re-seeded after a flush (parents first); those
# not present in this schema are skipped.
REFERENCE_TABLES = ["orgs_region", "cases_category", "rules_calendaryear", "rules_workcalendar"]
SNAPSHOT_UID = "browser-tests-reference-snapshot"


def _snapshot(table: str) -> str:
    return f"browser_tests_snapshot_{table}"


_snapshotted: list[str] = []


def _restore_from_snapshot(sender=None, using: str = "default", **kwargs) -> None:
    from django.db import connections

    with connections[using].cursor() as cur:
        for table in _snapshotted:
            cur.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - our own table names
            if cur.fetchone() is None:
                cur.execute(f"INSERT INTO {table} SELECT * FROM {_snapshot(table)}")  # noqa: S608


@pytest.fixture(scope="session", autouse=True)
def _reference_snapshot(django_db_setup, django_db_blocker) -> Iterator[None]:
    from django.db import connection, connections
    from django.db.models.signals import post_migrate

    with django_db_blocker.unblock():
        existing = set(connection.introspection.table_names())
        _snapshotted[:] = [t for t in REFERENCE_TABLES if t in existing]
        with connection.cursor() as cur:
            for table in _snapshotted:
                cur.execute(f"DROP TABLE IF EXISTS {_snapshot(table)}")
                cur.execute(f"CREATE TABLE {_snapshot(table)} AS SELECT * FROM {table}")  # noqa: S608
                cur.execute(f"SELECT count(*) FROM {_snapshot(table)}")  # noqa: S608
                assert cur.fetchone()[0] > 0, f"{table} is empty: no reference data to keep"
        connections.close_all()  # else this session would stop the test database from being dropped
    # No sender: it runs for the first app flush signals, before orgs' and cases' own receivers.
    post_migrate.connect(_restore_from_snapshot, weak=False, dispatch_uid=SNAPSHOT_UID)
    yield
    post_migrate.disconnect(dispatch_uid=SNAPSHOT_UID)
    with django_db_blocker.unblock():
        with connection.cursor() as cur:
            for table in _snapshotted:
                cur.execute(f"DROP TABLE IF EXISTS {_snapshot(table)}")
        connections.close_all()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    # Each persona's password is hashed once and checked once at login: with
    # the production PBKDF2 cost that alone is ~1 s a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser(live_server) -> Iterator[Browser]:
    # Depends on the live server so that it closes first: its keep-alive
    # connections end, and the server's threads let go of the database.
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (own cookies); keyword arguments go to
    `browser.new_context` (e.g. a phone viewport). JavaScript errors fail the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(**context_options) -> Page:
        options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "base_url": live_server.url}
        ctx = browser.new_context(**(options | context_options))
        ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield open_page
    for ctx in contexts:
        ctx.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


def login(page: Page, user, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait for the workspace."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture(name="login")
def login_fixture() -> Callable[..., None]:
    return login


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Uploaded scans go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

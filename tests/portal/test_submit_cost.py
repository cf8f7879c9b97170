"""What the online petition costs the server, and that the shortcuts behind
it change nothing: the blank form is rendered once per process, the small
tables it reads are kept in the process (and still follow changes), and a
petition POST stays within its query budget."""

import re
from datetime import date

import pytest
from django.contrib.messages import add_message, constants
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.conftest import valid_id
from xinfang.cases.models import Case, Category
from xinfang.notifications.models import OutboxMessage
from xinfang.portal import views_petition
from xinfang.portal.models import PhoneVerification
from xinfang.portal.petition import receiving_bureau
from xinfang.rules.models import RuleSet
from xinfang.rules.rulesets import rule_set_for

from .conftest import PHONE, Petitioner, hidden, redis_up, redis_writes, sms_challenge

pytestmark = pytest.mark.django_db

# Per-request values on the blank form, replaced before two pages are compared.
VARYING = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="*"'),
    (re.compile(r'name="pow_challenge" value="[^"]+"'), 'name="pow_challenge" value="*"'),
    (re.compile(r'data-challenge="[^"]+"'), 'data-challenge="*"'),
    (re.compile(r'name="client_token" value="[^"]+"'), 'name="client_token" value="*"'),
]


def normalised(html: str) -> str:
    for pattern, replacement in VARYING:
        html, n = pattern.subn(replacement, html)
        assert n == 1, pattern.pattern
    return html


def test_the_blank_form_is_the_full_render_with_fresh_values_each_time(client, category, monkeypatch):
    first = client.get("/petition/")
    second = client.get("/petition/").content.decode()
    html = first.content.decode()
    assert first.status_code == 200 and "csrftoken" in first.cookies
    for name in ("pow_challenge", "client_token"):
        assert hidden(html, name) != hidden(second, name)
    assert sms_challenge(html) != sms_challenge(second)
    assert hidden(html, "csrfmiddlewaretoken") != hidden(second, "csrfmiddlewaretoken")  # masked anew

    monkeypatch.setattr(views_petition, "blank_form_page", lambda *args: None)
    full = client.get("/petition/").content.decode()
    assert normalised(html) == normalised(full)


def test_a_message_for_the_visitor_is_shown_on_the_form(category):
    request = RequestFactory().get("/petition/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    add_message(request, constants.WARNING, "回执已失效，请重新提交")
    html = views_petition.petition(request).content.decode()
    assert "回执已失效，请重新提交" in html and 'name="pow_challenge"' in html


def test_a_new_category_appears_on_the_form_and_is_accepted(client, orgs, category):
    client.get("/petition/")  # the page and its category table are now kept
    added = Category.objects.create(code=f"{category.parent.code}99", name="电梯加装", parent=category.parent)

    petitioner = Petitioner(client, added)
    html = client.get("/petition/").content.decode()
    assert f'<option value="{added.pk}">电梯加装</option>' in html
    resp = petitioner.submit()
    assert resp.status_code == 200 and Case.objects.get().category == added


def test_a_bureau_switched_off_no_longer_receives(orgs):
    lx = Case._meta.get_field("issue_region").related_model.objects.get(code="320213021")
    assert receiving_bureau(lx) == orgs["lx_bureau"]  # kept from here on
    orgs["lx_bureau"].is_active = False
    orgs["lx_bureau"].save()
    assert receiving_bureau(lx) == orgs["wx_bureau"]


def test_a_new_local_rule_set_applies_to_the_next_registration(orgs):
    assert rule_set_for("320213", date(2026, 9, 28)) == "2022"  # kept from here on
    RuleSet.objects.create(code="wuxi", name="无锡市从严规定", base="2022", overrides={"dispose": {"amount": 7}},
                           region_id="3202", effective_from=date(2026, 1, 1))
    assert rule_set_for("320213", date(2026, 9, 28)) == "wuxi"


# Outside a test transaction, as in production: one COMMIT per request, the
# session written with one statement, the commit callbacks run.
@pytest.mark.django_db(transaction=True)
def test_a_petition_post_stays_within_its_query_budget(client_factory, category, orgs):
    # The first petition loads the kept tables (categories, regions, bureaus, rule sets, calendar).
    assert Petitioner(client_factory(), category).submit().status_code == 200
    second = Petitioner(client_factory(), category, phone="13912345678")
    data = second.form(id_number=valid_id(2))
    data["sms_code"] = second.get_code()

    with CaptureQueriesContext(connection) as queries:
        resp = second.client.post("/petition/", data)

    assert resp.status_code == 200 and Case.objects.count() == 2
    # 53 before the kept tables, ON CONFLICT inserts and the case written whole;
    # SQLite writes the case number with a second statement.
    # Since then: the receipt quotes the clock registration made (no query), the
    # submission hooks share one savepoint, the similar-text task is written inside
    # the transaction, and the petitioner is found or made with one upsert; the
    # hooks' savepoint is left for the commit to release, and the case id is
    # reserved by the first row that refers to the case; the petitioner's two
    # links and the first clock go in one statement (PostgreSQL); a first post no
    # longer looks for an earlier submission of its form (only a refused one does).
    limit = 13 if connection.vendor == "postgresql" else 17
    assert len(queries) <= limit, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("RELEASE SAVEPOINT")]


@pytest.mark.django_db(transaction=True)
def test_an_sms_code_request_takes_one_statement_on_postgresql(client, category):
    html = client.get("/petition/").content.decode()
    from xinfang.portal import challenge

    ch = sms_challenge(html)
    with CaptureQueriesContext(connection) as queries:
        resp = client.post("/petition/sms-code/", {"phone": PHONE, "challenge": ch, "solution": challenge.solve(ch)})
    assert resp.status_code == 200
    # "None sent in the last minute?" and the code saved with its SMS: one
    # statement on PostgreSQL; BEGIN, SELECT, two INSERTs, COMMIT on SQLite.
    limit = 1 if connection.vendor == "postgresql" else 5
    assert len(queries) <= limit, "\n".join(q["sql"][:120] for q in queries.captured_queries)

    # Again within the minute: refused with the wait, and nothing saved.
    ch = resp.json()["challenge"]
    again = client.post("/petition/sms-code/", {"phone": PHONE, "challenge": ch, "solution": challenge.solve(ch)})
    assert again.status_code == 429 and 0 < again.json()["wait"] <= 60
    assert PhoneVerification.objects.count() == 1 and OutboxMessage.objects.count() == 1


def test_a_code_request_and_a_petition_take_one_redis_round_trip_each(settings, category, orgs, client_factory):
    """The limits, the challenge's single use and the per-phone hold: one
    write to Redis per POST (the counts on success are not a second round trip)."""
    from django.core.cache import caches

    if not redis_up():
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "xinfang.portal.redis_cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/14"}}
    caches["default"].clear()
    petitioner = Petitioner(client_factory(), category)
    data = petitioner.form()
    caches["default"].round_trip([("PING",)])  # connected: its handshake is not the flow's
    try:
        with redis_writes() as writes:
            data["sms_code"] = petitioner.get_code()
            assert writes == [6]  # SET NX + INCR for the IP and for the phone, SET NX + GET for the challenge
            assert petitioner.client.post("/petition/", data).status_code == 200
            assert writes == [6, 6]  # the IP counted, the phone held, the challenge claimed
    finally:
        caches["default"].clear()
    assert Case.objects.count() == 1

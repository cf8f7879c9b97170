"""The public case page is cached per case and version (xinfang.portal.track_cache):
a change to the case shows on the very next view, an internal step never shows,
one case's entry never serves another, and a repeat view reads no timeline."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import valid_id
from xinfang.cases.models import Case
from xinfang.notifications.models import OutboxMessage

from .conftest import Petitioner, track

pytestmark = pytest.mark.django_db


def page(client, url) -> str:
    """The page without its CSRF tokens (masked afresh on every response)."""
    resp = client.get(url)
    assert resp.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", resp.content.decode())


def events_shown(html: str) -> int:
    return html.count('data-testid="event"')


def timeline_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if re.search(r'FROM "cases_caseevent"(?! WHERE case_id)', q["sql"])]


def test_a_repeat_view_is_served_from_the_cache(client, submitted):
    url = track(client, submitted)["Content-Location"]
    first = page(client, url)
    with CaptureQueriesContext(connection) as q:
        again = page(client, url)
    assert again == first
    assert timeline_reads(q.captured_queries) == []  # only the version query touched the events
    assert len(q.captured_queries) == 1  # the case with its version (no session; nothing per event, clock, letter)


def test_a_new_public_event_shows_at_once(client, submitted, staff):
    url = track(client, submitted)["Content-Location"]
    before = page(client, url)
    assert '<span class="fw-bold">转送</span>' not in before

    staff.do(submitted, "forward", "lx_bureau", "registrar", to_org=staff.orgs["lx_zhujian"].pk, text="请依法处理")

    after = page(client, url)
    assert '<span class="fw-bold">转送</span>' in after
    assert events_shown(after) == events_shown(before) + 1
    assert "梁溪区住房和城乡建设局" in after  # the new current org, from the case row


def test_an_internal_event_never_shows_but_the_page_is_rebuilt(client, submitted, staff):
    url = track(client, submitted)["Content-Location"]
    staff.do(submitted, "forward", "lx_bureau", "registrar", to_org=staff.orgs["lx_zhujian"].pk)
    staff.do(submitted, "accept", "lx_zhujian", "handler")
    before = page(client, url)

    staff.do(submitted, "note", "lx_zhujian", "handler", text="内部记录：约谈物业经理")

    with CaptureQueriesContext(connection) as q:
        after = page(client, url)
    assert timeline_reads(q.captured_queries), "a new event of any kind moves the version"
    assert "内部记录" not in after
    assert events_shown(after) == events_shown(before)


def test_a_notice_sent_later_shows_as_sent(client, submitted):
    url = track(client, submitted)["Content-Location"]
    assert "短信待发送" in page(client, url)
    OutboxMessage.objects.filter(case=submitted).exclude(template="verification_code").update(state="sent")
    html = page(client, url)
    assert "短信已发送" in html and "短信待发送" not in html


def test_each_case_has_its_own_entry(client, submitted, category, client_factory, staff):
    other_client = client_factory()
    other = Petitioner(other_client, category, phone="13900001111")
    assert other.submit(other.form(name="李四", id_number=valid_id(2))
                        ).status_code == 200
    second = Case.objects.exclude(pk=submitted.pk).get()

    url_a = track(client, submitted)["Content-Location"]
    url_b = track(other_client, second, last4="1111")["Content-Location"]
    a, b = page(client, url_a), page(other_client, url_b)
    assert submitted.number in a and second.number not in a
    assert second.number in b and submitted.number not in b
    assert "李*" in b and "李*" not in a and "139****1111" in b and "139****1111" not in a

    staff.do(submitted, "forward", "lx_bureau", "registrar", to_org=staff.orgs["lx_zhujian"].pk)
    assert '<span class="fw-bold">转送</span>' in page(client, url_a)
    with CaptureQueriesContext(connection) as q:
        b_again = page(other_client, url_b)
    assert b_again == b and timeline_reads(q.captured_queries) == []  # B's entry untouched and still used
    # The link is bound to the browser that proved the case, cache or not.
    assert client.get(url_b).status_code == 404


def test_the_rendered_page_is_shared_but_each_browser_gets_its_own_key_and_token(client, submitted, client_factory):
    from xinfang.portal import page_cache

    other = client_factory()
    page_cache.clear()
    first = track(client, submitted)
    second = track(other, submitted)
    assert len(page_cache._pages) == 1  # one rendering served both
    key_a = first["Content-Location"].split("/")[2]
    key_b = second["Content-Location"].split("/")[2]
    html_a, html_b = first.content.decode(), second.content.decode()
    assert key_a != key_b and key_a in html_a and key_b in html_b and key_a not in html_b and key_b not in html_a
    tokens_a = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html_a))
    assert tokens_a and all(len(t) == 64 for t in tokens_a)
    assert page_cache.KEY not in html_a and page_cache.CSRF not in html_a
    # The token on the page is good for this browser's forms.
    resp = client.post(f"/track/{key_a}/review/", {"csrfmiddlewaretoken": tokens_a.pop(), "reason": "x"})
    assert resp.status_code != 403


def test_a_page_with_a_message_is_rendered_for_this_browser_only(client, submitted, staff):
    staff.reply(submitted)
    url = track(client, submitted)["Content-Location"]
    resp = client.post(url + "evaluate/", {"bureau_rating": "satisfied", "rating": "satisfied"}, follow=True)
    html = resp.content.decode()
    assert "评价已提交，感谢您的参与" in html
    assert "评价已提交，感谢您的参与" not in page(client, url)  # shown once, never cached into the page


def test_a_first_view_reads_the_case_row_twice_and_each_part_once(client, submitted):
    """Cold: the query (case + version + phones), then the record, one statement
    per part. A field the record left out would cost a query of its own
    (a deferred load of the case row) on every first view."""
    from xinfang.portal import page_cache

    page_cache.clear()
    with CaptureQueriesContext(connection) as q:
        assert submitted.number in track(client, submitted).content.decode()
    case_reads = [s for s in (x["sql"] for x in q.captured_queries) if 'FROM "cases_case"' in s]
    assert len(case_reads) == 2, case_reads
    for table in ("cases_caseevent", "rules_clock", "cases_replyletter", "notifications_outboxmessage",
                  "cases_evaluation", "cases_casepetitioner"):
        reads = [x["sql"] for x in q.captured_queries if re.search(rf'FROM "{table}" [a-z]+ ', x["sql"])]
        assert len(reads) == 1, (table, reads)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_version_reads_only_the_cases_own_rows_however_big_the_outbox(submitted):
    """An old case behind 20,000 newer messages of other cases: its version must
    come through the case_id index, not a backward walk of the whole outbox
    (which PostgreSQL picks for a bare MAX(id) once the table has statistics)."""
    from xinfang.portal.track_cache import case_sql

    table = OutboxMessage._meta.db_table
    with connection.cursor() as cursor:
        # Other cases' ids: foreign keys are checked at the end of the transaction,
        # and these rows are gone by then.
        cursor.execute(
            f"INSERT INTO {table} (case_id, template, channel, recipient, last_error, payload, dedupe_key, state,"  # noqa: S608
            " attempts, created_at, claimed_by, provider_id)"
            " SELECT %s + 1 + g %% 400, 'registered', 'sms', '', '', '{}', 'bulk-' || g, 'sent', 1, now(), '', ''"
            " FROM generate_series(1, 20000) g", [submitted.pk])
        cursor.execute(f"ANALYZE {table}")
        cursor.execute("EXPLAIN " + case_sql(), [submitted.pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"DELETE FROM {table} WHERE dedupe_key LIKE 'bulk-%%'")  # noqa: S608
    assert "Backward" not in plan, plan

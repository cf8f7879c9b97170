"""Generic plans for the public portal's statements, the site's custom plans for
everything else (xinfang/lib/plans.py), switched only when a connection passes
from one side to the other. PostgreSQL only: SQLite has no plan cache modes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.lib import plans

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan_cache_mode"),
]


def mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def switches(queries) -> int:
    return sum("set_config('plan_cache_mode'" in q["sql"] for q in queries.captured_queries)


def test_the_site_plans_for_each_execution_and_the_portal_generically(client):
    assert plans.site_mode(connection) == "force_custom_plan"
    connection.close()
    client.get("/accounts/login/")
    assert mode() == "force_custom_plan"

    with CaptureQueriesContext(connection) as queries:
        assert client.post("/track/", {"query_code": "NOPE1234", "phone_last4": "1234"}).status_code in (200, 400)
    assert switches(queries) == 1 and mode() == "auto"
    with CaptureQueriesContext(connection) as queries:  # still on the portal: no round trip
        client.post("/track/", {"query_code": "NOPE5678", "phone_last4": "1234"})
        client.post("/petition/sms-code/", {"phone": "abc"})
    assert switches(queries) == 0 and mode() == "auto"

    with CaptureQueriesContext(connection) as queries:  # a staff page: back to the site's setting
        client.get("/accounts/login/")
    assert switches(queries) == 1 and mode() == "force_custom_plan"


def test_a_connection_opened_for_a_portal_view_starts_with_generic_plans():
    connection.close()
    plans.use(plans.AUTO)  # as the middleware does before the view, with no connection yet
    assert connection.connection is None
    assert mode() == "auto"
    plans.use(None)
    assert mode() == "force_custom_plan"
    connection.close()
    assert mode() == "force_custom_plan"  # a new connection: the site's setting again

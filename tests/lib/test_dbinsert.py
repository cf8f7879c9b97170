"""INSERT … ON CONFLICT DO NOTHING for one row (xinfang.lib.dbinsert), as the
outbox uses it: the second message with a key is the first one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinfang.lib.dbinsert import insert_or_skip
from xinfang.notifications.models import OutboxMessage
from xinfang.notifications.outbox import queue_message

pytestmark = pytest.mark.django_db


def test_it_inserts_a_new_row_and_skips_a_conflicting_one():
    first = OutboxMessage(template="t", recipient="13812345678", dedupe_key="k1", created_at=timezone.now())
    assert insert_or_skip(first) and first.pk is not None and not first._state.adding
    again = OutboxMessage(template="other", recipient="13900000000", dedupe_key="k1", created_at=timezone.now())
    assert not insert_or_skip(again) and again.pk is None
    row = OutboxMessage.objects.get()
    assert (row.pk, row.template, row.recipient) == (first.pk, "t", "13812345678")  # encrypted field read back


def test_queuing_takes_one_statement_and_a_repeat_returns_the_first():
    with CaptureQueriesContext(connection) as queries:
        msg = queue_message(template="registered", recipient="13812345678", dedupe_key="event:1:registered",
                            payload={"number": "320213-2026-000001"})
    assert len(queries) == 1
    again = queue_message(template="registered", recipient="13812345678", dedupe_key="event:1:registered")
    assert again.pk == msg.pk and again.payload == {"number": "320213-2026-000001"}
    assert OutboxMessage.objects.count() == 1

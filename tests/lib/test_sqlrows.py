"""Hand-written SQL read as the ORM would read the same columns (xinfang.lib.sqlrows),
on whichever database the suite runs: SQLite returns datetimes as text and JSON
as text, PostgreSQL does not; an encrypted column comes back decrypted."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from xinfang.lib.sqlrows import Statement, as_instance
from xinfang.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 1, 1, 2, 3, 456789, tzinfo=UTC)


def statement() -> Statement:
    table = OutboxMessage._meta.db_table
    fields = [OutboxMessage._meta.get_field(n) for n in ("id", "created_at", "payload", "recipient", "sent_at")]
    return Statement(f'SELECT id, created_at, payload, recipient, sent_at, template FROM "{table}"'  # noqa: S608
                     f" WHERE dedupe_key = %s", [*fields, "kind"])


def test_each_column_comes_back_as_the_orm_reads_it():
    msg = OutboxMessage.objects.create(template="registered", recipient="13812345678", payload={"n": [1, "二"]},
                                       dedupe_key="sqlrows-1", created_at=AT)
    row = statement().first(["sqlrows-1"])
    orm = OutboxMessage.objects.get(pk=msg.pk)
    assert row.id == msg.pk
    assert row.created_at == orm.created_at == AT and row.created_at.tzinfo is not None
    assert row.payload == orm.payload == {"n": [1, "二"]}
    assert row.recipient == orm.recipient == "13812345678"
    raw = connection.cursor()
    raw.execute(f'SELECT recipient FROM "{OutboxMessage._meta.db_table}" WHERE id = %s', [msg.pk])  # noqa: S608
    assert raw.fetchone()[0] != "13812345678"  # stored encrypted; the statement decrypted it
    assert row.sent_at is None
    assert row.kind == "registered"  # a plain name: the driver's value, named as asked


def test_no_row_and_many_rows():
    s = statement()
    assert s.first(["nothing-here"]) is None and s.all(["nothing-here"]) == []
    for i in range(3):
        OutboxMessage.objects.create(template=f"t{i}", dedupe_key=f"k{i}", created_at=AT + timedelta(days=i))
    assert [r.kind for r in s.all(["k1"])] == ["t1"]
    table = OutboxMessage._meta.db_table
    dates = Statement(f'SELECT created_at FROM "{table}" ORDER BY created_at DESC',  # noqa: S608
                      [OutboxMessage._meta.get_field("created_at")])
    assert [r.created_at for r in dates.all([])] == [AT + timedelta(days=i) for i in (2, 1, 0)]


def test_as_instance_gives_a_model_with_the_rest_deferred():
    OutboxMessage.objects.create(template="registered", recipient="13812345678", dedupe_key="sqlrows-2",
                                 created_at=AT)
    msg = as_instance(OutboxMessage, statement().first(["sqlrows-2"]))
    assert isinstance(msg, OutboxMessage) and msg.created_at == AT and msg.recipient == "13812345678"
    assert "state" in msg.get_deferred_fields() and "template" in msg.get_deferred_fields()

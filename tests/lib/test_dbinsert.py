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


def test_upsert_inserts_then_updates_only_the_named_fields_in_one_statement():
    """The same ID number twice: one row, the second statement changed only the
    fields it was told to, and both returned the row as stored."""
    from tests.conftest import valid_id
    from xinfang.cases.actions import PetitionerData, find_or_create_petitioner
    from xinfang.cases.models import Petitioner
    from xinfang.lib.dbinsert import upsert

    first = Petitioner(name="张三", id_number=valid_id(1), phone="13812345678", address="中山路1号", gender="M")
    first.set_indexes()
    with CaptureQueriesContext(connection) as queries:
        pk, name = upsert(first, unique="id_number_index", partial=True, update=["phone"], returning=["id", "name"])
    assert len(queries) == 1 and name == "张三"
    second = Petitioner(name="张叁", id_number=valid_id(1), phone="13912345678", address="", gender="M")
    second.set_indexes()
    again, name = upsert(second, unique="id_number_index", partial=True, update=["phone", "phone_index"],
                         returning=["id", "name"])
    assert again == pk and name == "张三"  # the name first registered stays
    row = Petitioner.objects.get()
    assert (row.phone, row.address) == ("13912345678", "中山路1号")  # phone learnt, address kept

    # Through registration: nothing given blanks out what was known; the phone on record comes back.
    known = find_or_create_petitioner(PetitionerData(name="张三", id_number=valid_id(1)))
    assert known.pk == pk and known.phone == "13912345678"
    row.refresh_from_db()
    assert (row.phone, row.address, Petitioner.objects.count()) == ("13912345678", "中山路1号", 1)
    # People without an ID number never collide with each other (the constraint is partial).
    a = find_or_create_petitioner(PetitionerData(name="李四", phone="13700000001"))
    b = find_or_create_petitioner(PetitionerData(name="王五", phone="13700000001"))
    assert a.pk != b.pk and Petitioner.objects.count() == 3


def test_insert_saves_a_new_row_as_save_would_in_one_statement():
    from xinfang.lib.dbinsert import insert

    at = timezone.now()
    msg = OutboxMessage(template="t", recipient="13812345678", payload={"a": ["二", 1]}, dedupe_key="k2",
                        created_at=at)
    with CaptureQueriesContext(connection) as queries:
        assert insert(msg) is msg
    assert len(queries) == 1 and msg.pk is not None and not msg._state.adding
    row = OutboxMessage.objects.get(pk=msg.pk)
    assert (row.recipient, row.payload, row.created_at, row.state) == ("13812345678", {"a": ["二", 1]}, at, "pending")
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT recipient FROM "{OutboxMessage._meta.db_table}"')  # noqa: S608
        assert cursor.fetchone()[0] != "13812345678"  # encrypted as save() would
    second = insert(OutboxMessage(template="t", dedupe_key="k3", created_at=at))
    assert second.pk != msg.pk and OutboxMessage.objects.count() == 2
    with pytest.raises(ValueError):
        insert(row)  # not new


def test_insert_applies_auto_now():
    """pre_save runs, as in save(): an auto_now field is filled in."""
    from xinfang.lib.dbinsert import insert
    from xinfang.notifications.models import MessageTemplate

    before = timezone.now()
    template = insert(MessageTemplate(key="probe", name="测试", body="正文"))
    assert MessageTemplate.objects.get(pk=template.pk).updated_at >= before


def test_insert_all_writes_one_statement_for_one_row_or_many():
    from xinfang.lib.dbinsert import insert_all

    at = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        assert insert_all([]) == []
        [one] = insert_all([OutboxMessage(template="t", dedupe_key="a1", created_at=at)])
    assert len(queries) == 1 and one.pk is not None
    many = [OutboxMessage(template="t", dedupe_key=f"b{i}", created_at=at) for i in range(3)]
    with CaptureQueriesContext(connection) as queries:
        insert_all(many)
    assert len(queries) == 1 and len({m.pk for m in many}) == 3 and None not in {m.pk for m in many}
    assert OutboxMessage.objects.count() == 4


def test_insert_needs_the_key_of_a_model_without_an_automatic_one():
    """A model whose key the caller chooses (a UUID) is inserted with it, and
    refused without it."""
    import uuid

    from django_tasks_db.models import DBTaskResult

    from xinfang.lib.dbinsert import insert

    key = uuid.uuid4()
    row = DBTaskResult(id=key, args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
                       run_after=timezone.now())
    assert insert(row).pk == key and DBTaskResult.objects.filter(pk=key).exists()
    with pytest.raises(ValueError):
        insert(DBTaskResult(id=None, task_path="x.y"))


def _prepared_by_django(obj, shape):
    return [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in shape.fields]


def _comparable(values: list) -> list:
    """psycopg's JSON wrapper has no equality of its own: compare what it wraps."""
    return [(type(v), v.obj) if type(v).__name__ == "Jsonb" else (type(v), v) for v in values]


@pytest.mark.filterwarnings("ignore:DateTimeField Case.next_due_at received a naive datetime")
def test_values_taken_as_they_are_equal_djangos_own_preparation():
    """Every value the shortcut passes through unchanged is what the field's own
    preparation gives, and every other value still goes through it (an int for
    a text column, a naive time, a date given as a string, an encrypted field,
    JSON). Checked for every model of the project, with its defaults, and for
    a registration's rows with values of every kind."""
    import datetime as dt

    from django.apps import apps

    from xinfang.cases.models import Case, Petitioner, Submission
    from xinfang.lib import dbinsert

    models = [m for m in apps.get_models() if m.__module__.startswith("xinfang.")]
    assert len(models) > 20
    for model in models:
        obj = model()
        shape = dbinsert._shape(model, connection)
        auto_now = {i for i, f in enumerate(shape.fields) if getattr(f, "auto_now", False)
                    or getattr(f, "auto_now_add", False)}
        ours, theirs = dbinsert._values(obj, shape, connection), _prepared_by_django(obj, shape)
        assert _comparable([v for i, v in enumerate(ours) if i not in auto_now]) == \
            _comparable([v for i, v in enumerate(theirs) if i not in auto_now]), model

    now = timezone.now()
    naive = dt.datetime(2026, 5, 1, 9, 30)  # noqa: DTZ001 - the case the shortcut must leave to Django
    case = Case(number=123, title="标题", content="内容", purpose="claim", category_id="7", issue_region_id="320213",
                registered_at=now, next_due_at=naive, headcount="3", is_urgent=1, registered_org_id=1,
                current_org_id="2")
    sub = Submission(case_id=5, channel="online", received_at=now, received_by_org_id=1, content="内容",
                     postmark_date="2026-05-01", letter_received_date=dt.date(2026, 5, 2), caller_number="0510-1234")
    person = Petitioner(name="张三", phone="13812345678", id_number="110101199003077777")
    person.set_indexes()
    for obj in (case, sub, person):
        shape = dbinsert._shape(type(obj), connection)
        ours, theirs = dbinsert._values(obj, shape, connection), _prepared_by_django(obj, shape)
        for f, a, b in zip(shape.fields, ours, theirs, strict=True):
            if f.name in ("updated_at", "created_at"):
                continue
            if f.name in ("phone", "id_number", "name", "address", "caller_number") and a != b:
                # Encrypted: a fresh nonce each time, so compare what reads back.
                assert f.from_db_value(a, None, connection) == f.from_db_value(b, None, connection), f.name
                continue
            assert (type(a), a) == (type(b), b), f.name


def test_insert_computed_takes_a_column_from_an_expression_in_the_same_statement():
    from xinfang.lib.dbinsert import insert_computed

    row = OutboxMessage(template="t", recipient="13812345678", dedupe_key="ignored", created_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        (value,) = insert_computed(row, {"dedupe_key": "'k-' || CAST(41 + 1 AS text)"})
    assert len(queries) == 1 and value == "k-42" and row.pk is not None and not row._state.adding
    stored = OutboxMessage.objects.get(pk=row.pk)
    assert (stored.dedupe_key, stored.template, stored.recipient) == ("k-42", "t", "13812345678")


def test_insert_together_writes_rows_of_several_models_in_one_statement_on_postgresql():
    """Rows of different models, as `insert` would write each: keys set, values
    prepared (encryption, auto_now); on PostgreSQL one statement, elsewhere one
    each. A row that breaks a constraint leaves none of them written."""
    from django.db import IntegrityError, transaction

    from xinfang.lib.dbinsert import insert_together
    from xinfang.notifications.models import MessageTemplate

    at = timezone.now()
    first = OutboxMessage(template="t", recipient="13812345678", payload={"n": "一"}, dedupe_key="t1", created_at=at)
    template = MessageTemplate(key="together", name="测试", body="正文")
    second = OutboxMessage(template="t", dedupe_key="t2", created_at=at)
    with CaptureQueriesContext(connection) as queries:
        insert_together([first, template, second])
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    assert None not in (first.pk, template.pk, second.pk) and first.pk != second.pk
    assert not any(o._state.adding for o in (first, template, second))
    row = OutboxMessage.objects.get(pk=first.pk)
    assert (row.recipient, row.payload, row.created_at) == ("13812345678", {"n": "一"}, at)
    assert MessageTemplate.objects.get(pk=template.pk).updated_at >= at
    assert OutboxMessage.objects.get(pk=second.pk).dedupe_key == "t2"

    fresh = OutboxMessage(template="t", dedupe_key="t3", created_at=at)
    clash = OutboxMessage(template="t", dedupe_key="t1", created_at=at)  # the first's key again
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together([fresh, clash])
    assert not OutboxMessage.objects.filter(dedupe_key="t3").exists()
    assert OutboxMessage.objects.count() == 2
    with CaptureQueriesContext(connection) as queries:
        insert_together([])
    assert len(queries) == 0

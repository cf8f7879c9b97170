"""lib/hotsql: hand-written SQL on a kept cursor, with Django's checks and
error translation, and Django's own cursor whenever statements are watched."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from xinfang.lib import hotsql

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept cursor is PostgreSQL's")


@pytest.fixture
def table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE hot_t (id integer PRIMARY KEY, name text)")
    yield "hot_t"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE hot_t")


def test_it_returns_rows_a_first_row_and_a_rowcount(table):
    assert hotsql.fetchone("INSERT INTO hot_t (id, name) VALUES (%s, %s) RETURNING id", [1, "张三"]) == (1,)
    assert hotsql.fetchone("INSERT INTO hot_t (id, name) VALUES (%s, %s)", [2, "李四"]) is None  # no rows at all
    assert hotsql.fetchall("SELECT id, name FROM hot_t ORDER BY id", []) == [(1, "张三"), (2, "李四")]
    assert hotsql.fetchone("SELECT name FROM hot_t WHERE id = %s", [3]) is None
    assert hotsql.rowcount("UPDATE hot_t SET name = %s WHERE id >= %s", ["王五", 1]) == 2


@postgresql_only
def test_it_keeps_one_cursor_per_connection_and_thread(table):
    hotsql.fetchone("SELECT 1", [])
    kept = getattr(connection, hotsql._KEPT)
    hotsql.fetchall("SELECT 2", [])
    assert getattr(connection, hotsql._KEPT) is kept
    others = []

    def other_thread():
        others.append((hotsql.fetchone("SELECT 3", []), getattr(connection, hotsql._KEPT)))
        connection.close()

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert others[0][0] == (3,) and others[0][1] is not kept  # its own connection, its own cursor


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_it_makes_a_new_cursor_after_a_reconnect():
    assert hotsql.fetchone("SELECT 1", []) == (1,)
    kept = getattr(connection, hotsql._KEPT)
    connection.close()
    assert hotsql.fetchone("SELECT 2", []) == (2,)
    assert getattr(connection, hotsql._KEPT) is not kept
    assert getattr(connection, hotsql._KEPT).connection is connection.connection


def test_watched_statements_go_through_djangos_cursor_and_are_counted(table):
    with CaptureQueriesContext(connection) as watched:
        hotsql.fetchone("INSERT INTO hot_t (id, name) VALUES (%s, %s) RETURNING id", [7, "赵六"])
        hotsql.rowcount("UPDATE hot_t SET name = %s WHERE id = %s", ["钱七", 7])
    assert [q["sql"].split()[0] for q in watched.captured_queries] == ["INSERT", "UPDATE"]
    assert hotsql.fetchall("SELECT name FROM hot_t", []) == [("钱七",)]


def test_a_constraint_violation_is_djangos_integrity_error_and_a_broken_transaction_runs_nothing(table):
    hotsql.fetchone("INSERT INTO hot_t (id, name) VALUES (%s, %s)", [1, "a"])
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            hotsql.fetchone("INSERT INTO hot_t (id, name) VALUES (%s, %s)", [1, "b"])
        hotsql.fetchone("INSERT INTO hot_t (id, name) VALUES (%s, %s)", [2, "c"])  # the savepoint took it back
    with pytest.raises(TransactionManagementError), transaction.atomic():
        # A failure in a block without a savepoint marks the whole block for rollback.
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            hotsql.fetchone("INSERT INTO hot_t (id, name) VALUES (%s, %s)", [1, "d"])
        hotsql.fetchone("SELECT 1", [])  # refused, as Django's cursor refuses it
    assert hotsql.fetchall("SELECT id, name FROM hot_t ORDER BY id", []) == [(1, "a"), (2, "c")]

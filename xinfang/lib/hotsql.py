"""Hand-written SQL on the hot paths, run on one kept cursor per connection.

`connection.cursor()` makes a new psycopg cursor (its own adapter map and
loaders) and wraps it in Django's CursorWrapper for every statement: measured
on PostgreSQL, ~90 µs of CPU for a one-row SELECT against ~40 µs on a kept
psycopg cursor. An online petition runs a dozen such statements (lib/dbinsert,
lib/sqlrows, the SMS code, the case number). Here each is one call that
executes and reads its result at once, so a kept cursor is never shared by
two statements in flight.

The kept cursor is made by Django (`create_cursor`: the time-zone loader,
server-side binding) and used with Django's own checks around it: the
connection opened, its thread, a transaction already broken, and driver errors
raised as django.db's (an IntegrityError stays an IntegrityError). Whenever
anything watches the statements (CaptureQueriesContext, assertNumQueries,
DEBUG's query log, an execute_wrapper), and on other databases (SQLite's
cursor wrapper rewrites placeholders), Django's cursor is used as before, so
what is counted and logged is unchanged."""

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections

_KEPT = "_xinfang_hot_cursor"


def fetchone(sql: str, params: Sequence, using: str = DEFAULT_DB_ALIAS) -> tuple | None:
    """The statement's first row, or None (also when it returns no rows at all)."""
    return _run(sql, params, using, lambda cursor: cursor.fetchone() if cursor.description else None)


def fetchall(sql: str, params: Sequence, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    return _run(sql, params, using, lambda cursor: cursor.fetchall())


def rowcount(sql: str, params: Sequence, using: str = DEFAULT_DB_ALIAS) -> int:
    """How many rows the statement changed."""
    return _run(sql, params, using, lambda cursor: cursor.rowcount)


def _run(sql, params, using, read):
    connection = connections[using]
    cursor = _kept(connection)
    if cursor is None:
        with connection.cursor() as wrapped:
            wrapped.execute(sql, params)
            return read(wrapped)
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor.execute(sql, params)
        return read(cursor)


def _kept(connection):
    """This connection's kept psycopg cursor, or None where Django's must be used."""
    if connection.vendor != "postgresql" or connection.queries_logged or connection.execute_wrappers:
        return None
    # What connection.cursor() checks before it makes a cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = getattr(connection, _KEPT, None)
    # A reconnect (after an error, a restart, CONN_MAX_AGE) opens a new driver
    # connection: its cursor is made anew.
    if cursor is None or cursor.closed or cursor.connection is not connection.connection:
        with connection.wrap_database_errors:
            cursor = connection.create_cursor()
        setattr(connection, _KEPT, cursor)
    return cursor

"""INSERT … ON CONFLICT DO NOTHING for one model instance, telling whether the
row went in.

`get_or_create` and a save inside `atomic()` guard a unique constraint with a
savepoint: four round trips (SELECT, SAVEPOINT, INSERT, RELEASE). This is one,
with the same outcome, on PostgreSQL and on SQLite (≥ 3.35, for RETURNING).
Unlike `bulk_create(ignore_conflicts=True)` it sets the primary key."""

from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery


def _insert_fields(obj: Model) -> list[Field]:
    """The fields an INSERT of `obj` writes, as save() picks them: not the
    automatic key unless it is set, never a generated column."""
    meta = obj._meta
    return [f for f in meta.local_concrete_fields
            if (f is not meta.auto_field or obj.pk is not None) and not getattr(f, "generated", False)]


def _insert_values(obj: Model, fields: list[Field], connection) -> list:
    """The values as save() prepares them: pre_save (auto_now and friends), then
    get_db_prep_save (encryption, JSON)."""
    return [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]


def insert_or_skip(obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Insert `obj` unless that breaks a unique constraint. True (and `obj.pk`
    set) if inserted; False if a conflicting row exists (obj is left unsaved).
    Sends no signals, like bulk_create."""
    meta = obj._meta
    fields = _insert_fields(obj)
    query = InsertQuery(type(obj), on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = using
    return True


def insert_parts(obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> tuple[str, list[str], list]:
    """(quoted table, quoted columns, values ready for the database) of the
    INSERT that saving the new `obj` would run: for the rare statement Django
    cannot write, such as two INSERTs joined by a WITH on PostgreSQL."""
    meta = obj._meta
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = _insert_fields(obj)
    return quote(meta.db_table), [quote(f.column) for f in fields if f.column], _insert_values(obj, fields, connection)


def upsert(obj: Model, *, unique: str, partial: bool, update: list[str], returning: list[str],
           using: str = DEFAULT_DB_ALIAS) -> tuple:
    """INSERT `obj`, or where that breaks the unique constraint on the field
    `unique`, UPDATE the row there with `obj`'s values of the fields in `update`;
    return the row's values of the fields in `returning`, as the database has
    them after the statement (raw: no from_db conversion).

    One statement instead of a SELECT and then an INSERT or an UPDATE, and no
    race between them, on PostgreSQL and on SQLite (≥ 3.35). `partial`: the
    constraint only covers non-empty values (`condition=~Q(field="")`); the
    statement repeats that condition, so the database finds the index."""
    meta = obj._meta
    connection = connections[using]
    quote = connection.ops.quote_name

    columns_by_name = {f.name: f.column for f in meta.concrete_fields if f.column}

    def column(name: str) -> str:
        return quote(columns_by_name[name])

    table, columns, values = insert_parts(obj, using=using)
    target = f"({column(unique)})" + (f" WHERE (NOT ({column(unique)} = ''))" if partial else "")
    sets = ", ".join(f"{column(f)} = EXCLUDED.{column(f)}" for f in update)
    # Table and columns come from the model; every value is a parameter.
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
           f" ON CONFLICT {target} DO UPDATE SET {sets} RETURNING {', '.join(column(f) for f in returning)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()


M = TypeVar("M", bound=Model)
_INSERTS: dict[tuple[type, str], tuple[list[Field], str]] = {}


def insert(obj: M, *, using: str = DEFAULT_DB_ALIAS) -> M:
    """Save the new `obj` (auto primary key not set) with one INSERT … RETURNING
    its key, the statement written once per model and process; returns `obj`.

    For the rows every registration writes: `Model.objects.create()` builds and
    compiles an InsertQuery each time, which cost more than the insert itself.
    Values are prepared as save() prepares them (`pre_save`: auto_now and
    friends; `get_db_prep_save`: encryption, JSON). Sends no signals and calls
    no custom save(): only for models that need neither."""
    meta = obj._meta
    if meta.auto_field is None or obj.pk is not None:
        raise ValueError(f"insert() is for new {meta.label} rows with an automatic key")
    connection = connections[using]
    ready = _INSERTS.get((type(obj), connection.vendor))
    if ready is None:
        fields = [f for f in _insert_fields(obj) if f.column]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column or "") for f in fields)
        key = quote(meta.pk.column or "")
        # Table and columns come from the model; every value is a parameter.
        sql = (f"INSERT INTO {quote(meta.db_table)} ({columns})"  # noqa: S608
               f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {key}")
        ready = _INSERTS[(type(obj), connection.vendor)] = (fields, sql)
    fields, sql = ready
    with connection.cursor() as cursor:
        cursor.execute(sql, _insert_values(obj, fields, connection))
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = using
    return obj

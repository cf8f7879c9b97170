"""Single-row INSERTs for the rows every registration writes, each statement
written once per model and process.

`Model.objects.create()`, `get_or_create` and a save inside `atomic()` build
and compile an InsertQuery on every call, which on the public portal's hot path
cost more than the insert itself; `get_or_create` also guards a unique
constraint with a savepoint (SELECT, SAVEPOINT, INSERT, RELEASE: four round
trips). Here each is one statement, with the same outcome, on PostgreSQL and on
SQLite (≥ 3.35, for RETURNING). Values are prepared as save() prepares them
(`pre_save`: auto_now and friends; `get_db_prep_save`: encryption, JSON). No
signals are sent and no custom save() runs: only for models that need neither."""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model, fields
from django.db.models.constants import OnConflict

from . import hotsql

M = TypeVar("M", bound=Model)


@dataclass
class _Shape:
    """What an INSERT of a new row of one model writes, on one database vendor."""

    fields: list[Field]  # as save() picks them: not the automatic key, never a generated column
    table: str  # quoted
    columns: list[str]  # quoted, in the order of `fields`
    statements: dict = field(default_factory=dict)  # every statement built from this shape, by purpose
    # Per field: its attname, the value types that need none of the field's own
    # preparation (None: always prepare), and what the driver gets instead (None: the value).
    plain: list[tuple[str, tuple[type, ...] | None, Callable | None]] = field(default_factory=list)


# Fields whose preparation of a value of exactly these types (or None) returns
# it unchanged: to_python of a str is the str, of an int the int. On PostgreSQL
# a date, and an aware datetime, also go to psycopg as they are, and integers
# in the wrapper Django gives them (Int4 for an IntegerField). Exact classes
# only: a subclass (an encrypted text field) prepares values its own way.
_INTEGERS = (fields.IntegerField, fields.BigIntegerField, fields.SmallIntegerField, fields.PositiveIntegerField,
             fields.PositiveBigIntegerField, fields.PositiveSmallIntegerField)
_PLAIN: dict[type, tuple[type, ...]] = {
    fields.CharField: (str,), fields.TextField: (str,), fields.BooleanField: (bool,),
    **dict.fromkeys((*_INTEGERS, fields.AutoField, fields.BigAutoField), (int,)),
}
_PLAIN_POSTGRESQL = {**_PLAIN, fields.DateField: (date,), fields.DateTimeField: (datetime,)}


def _plain(f: Field, connection) -> tuple[str, tuple[type, ...] | None, Callable | None]:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return f.attname, None, None  # pre_save sets the time
    # A foreign key saves its target's value.
    target = f.target_field if f.is_relation else f  # type: ignore[attr-defined]
    postgresql = connection.vendor == "postgresql"
    types = (_PLAIN_POSTGRESQL if postgresql else _PLAIN).get(type(target))
    wrap = None
    if postgresql and type(target) in _INTEGERS and getattr(connection.ops, "integerfield_type_map", None):
        wrap = connection.ops.integerfield_type_map[target.get_internal_type()]
    return f.attname, types, wrap


_SHAPES: dict[tuple[type, str], _Shape] = {}


def _shape(model: type[Model], connection) -> _Shape:
    shape = _SHAPES.get((model, connection.vendor))
    if shape is None:
        meta = model._meta
        quote = connection.ops.quote_name
        fields = [f for f in meta.local_concrete_fields
                  if f is not meta.auto_field and not getattr(f, "generated", False) and f.column]
        shape = _SHAPES[(model, connection.vendor)] = _Shape(
            fields, quote(meta.db_table), [quote(f.column or "") for f in fields],
            plain=[_plain(f, connection) for f in fields])
    return shape


def _new_row(obj: Model) -> None:
    """A new row's key is the database's to choose if the model has an automatic
    one, else the caller's: refuse anything else (an update in disguise)."""
    automatic = obj._meta.auto_field is not None
    if (obj.pk is not None) == automatic:
        raise ValueError(f"a new {obj._meta.label} row: an automatic key unset, any other key set")


def _values(obj: Model, shape: _Shape, connection) -> list:
    """The values save() would write: the field's own preparation, except for
    values it would return unchanged (see _PLAIN), taken as they are: Django's
    preparation call chain cost ~5-20 µs a field, ~0.6 ms a registration."""
    given = obj.__dict__
    values: list = []
    for f, (attname, types, wrap) in zip(shape.fields, shape.plain, strict=True):
        if types is not None and attname in given:
            value = given[attname]
            if value is None:
                values.append(None)
                continue
            if type(value) in types and not (type(value) is datetime and value.tzinfo is None):
                values.append(wrap(value) if wrap else value)
                continue
        values.append(f.get_db_prep_save(f.pre_save(obj, True), connection=connection))
    return values


def _saved(obj: Model, using: str) -> None:
    obj._state.adding = False
    obj._state.db = using


def _run(obj: Model, purpose: Hashable, build, using: str, arrange=None) -> tuple | None:
    """Execute this model's statement for `purpose` (built once by `build(shape,
    connection)`) with `obj`'s values, or with what `arrange(shape, values)`
    makes of them; the row it returns, if any."""
    connection = connections[using]
    shape = _shape(type(obj), connection)
    sql = shape.statements.get(purpose)
    if sql is None:
        sql = shape.statements[purpose] = build(shape, connection)
    values = _values(obj, shape, connection)
    return hotsql.fetchone(sql, arrange(shape, values) if arrange else values, using)


def _returning_key(obj: Model, connection) -> str:
    meta = obj._meta
    return f" RETURNING {connection.ops.quote_name(meta.pk.column)}" if meta.auto_field is not None else ""


def _insert_sql(obj: Model, shape: _Shape, connection) -> str:
    """The plain INSERT of one new row of `shape`'s model, returning its
    automatic key if it has one."""
    # Table and columns come from the model; every value is a parameter.
    return (f"INSERT INTO {shape.table} ({', '.join(shape.columns)})"  # noqa: S608
            f" VALUES ({', '.join(['%s'] * len(shape.columns))}){_returning_key(obj, connection)}")


def insert(obj: M, *, using: str = DEFAULT_DB_ALIAS) -> M:
    """Save the new `obj` with one INSERT; returns `obj`. With an automatic key
    (unset) the INSERT returns it; a model whose key the caller chooses (a UUID)
    must have it set."""
    _new_row(obj)

    row = _run(obj, "insert", lambda shape, connection: _insert_sql(obj, shape, connection), using)
    if row is not None:
        obj.pk = row[0]
    _saved(obj, using)
    return obj


def insert_or_skip(obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Insert the new `obj` unless that breaks a unique constraint. True (and
    `obj.pk` set) if inserted; False if a conflicting row exists (obj is left
    unsaved). Unlike `bulk_create(ignore_conflicts=True)` it sets the key."""
    _new_row(obj)
    if obj._meta.auto_field is None:
        raise ValueError("insert_or_skip() tells an insert by the key it returns: for automatic keys only")

    def build(shape: _Shape, connection) -> str:
        ops = connection.ops
        fields = shape.fields
        suffix = ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
        # Table and columns come from the model; every value is a parameter.
        return (f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {shape.table} ({', '.join(shape.columns)})"
                f" VALUES ({', '.join(['%s'] * len(fields))}) {suffix}{_returning_key(obj, connection)}")

    row = _run(obj, "insert_or_skip", build, using)
    if row is None:
        return False
    obj.pk = row[0]
    _saved(obj, using)
    return True


def insert_parts(obj: Model, *, using: str = DEFAULT_DB_ALIAS) -> tuple[str, list[str], list]:
    """(quoted table, quoted columns, values ready for the database) of the
    INSERT that saving the new `obj` would run: for the rare statement Django
    cannot write, such as two INSERTs joined by a WITH on PostgreSQL."""
    _new_row(obj)
    connection = connections[using]
    shape = _shape(type(obj), connection)
    return shape.table, shape.columns, _values(obj, shape, connection)


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
    _new_row(obj)

    def build(shape: _Shape, connection) -> str:
        quote = connection.ops.quote_name
        columns_by_name = {f.name: f.column for f in obj._meta.concrete_fields if f.column}

        def column(name: str) -> str:
            return quote(columns_by_name[name])

        target = f"({column(unique)})" + (f" WHERE (NOT ({column(unique)} = ''))" if partial else "")
        sets = ", ".join(f"{column(f)} = EXCLUDED.{column(f)}" for f in update)
        # Table and columns come from the model; every value is a parameter.
        return (f"INSERT INTO {shape.table} ({', '.join(shape.columns)})"  # noqa: S608
                f" VALUES ({', '.join(['%s'] * len(shape.columns))})"
                f" ON CONFLICT {target} DO UPDATE SET {sets} RETURNING {', '.join(column(f) for f in returning)}")

    row = _run(obj, ("upsert", unique, partial, tuple(update), tuple(returning)), build, using)
    assert row is not None  # noqa: S101 - an upsert always returns its row
    return row


def insert_computed(obj: Model, computed: dict[str, str], *, prefix: str = "", prefix_params: tuple = (),
                    source: str | None = None, using: str = DEFAULT_DB_ALIAS) -> tuple | None:
    """INSERT the new `obj` (automatic key) with each column named in `computed`
    taking the SQL expression given (no parameters of its own) instead of obj's
    value: say a nextval() reserving the key of the row `obj` refers to. Returns
    the computed values, in order, or None if no row was written.

    The key is the database's (set on obj), or one reserved before (obj.pk set,
    written as given). With `source` the row is an INSERT … SELECT … FROM source,
    `prefix` (a WITH …, its values `prefix_params`) before it, and the
    expressions may read what source gives; no row if it gives none. The
    statement is built once per model and shape."""
    meta = obj._meta
    if meta.auto_field is None:
        raise ValueError("insert_computed() is for a new row with an automatic key")
    reserved = obj.pk is not None

    def build(shape: _Shape, connection) -> str:
        quote = connection.ops.quote_name
        key = quote(meta.pk.column or "")
        columns = [key] * reserved + shape.columns
        values = ", ".join(["%s"] * reserved + [computed.get(f.column or "", "%s") for f in shape.fields])
        returning = ", ".join([key] * (not reserved) + [quote(c) for c in computed])
        # Table and columns come from the model; expressions from the caller's code; every value is a parameter.
        body = f"SELECT {values} FROM {source}" if source else f"VALUES ({values})"  # noqa: S608
        return f"{prefix} INSERT INTO {shape.table} ({', '.join(columns)}) {body} RETURNING {returning}".lstrip()

    def arrange(shape: _Shape, values: list) -> list:
        return [*prefix_params, *[obj.pk] * reserved,
                *(v for f, v in zip(shape.fields, values, strict=True) if f.column not in computed)]

    purpose = ("insert_computed", reserved, prefix, source, tuple(computed.items()))
    row = _run(obj, purpose, build, using, arrange)
    if row is None:
        return None
    if not reserved:
        obj.pk, row = row[0], row[1:]
    _saved(obj, using)
    return tuple(row)


def insert_all(objs: list[M], *, using: str = DEFAULT_DB_ALIAS) -> list[M]:
    """Save new rows in one statement either way: `insert` for one (the common
    case: one petitioner), bulk_create for more (a group visit's fifty)."""
    if len(objs) == 1:
        insert(objs[0], using=using)
    elif objs:
        type(objs[0])._default_manager.using(using).bulk_create(objs)
    return objs


_TOGETHER: dict[tuple[type[Model], ...], str] = {}


def insert_together(objs: Sequence[Model], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Save new rows, of any models, none referring to another's unsaved key, in
    one statement on PostgreSQL: each INSERT a data-modifying WITH (which runs
    whether or not anything reads it), the automatic keys read back at the end
    and set on the objects. Elsewhere (SQLite has no INSERT in WITH) one
    `insert` each. A registration's link rows and first clock: one round trip
    and one statement to plan and execute instead of three."""
    connection = connections[using]
    if connection.vendor != "postgresql" or len(objs) < 2:
        for obj in objs:
            insert(obj, using=using)
        return
    for obj in objs:
        _new_row(obj)
    shapes = [_shape(type(obj), connection) for obj in objs]
    kinds = tuple(type(obj) for obj in objs)
    sql = _TOGETHER.get(kinds)
    if sql is None:
        parts, keys = [], []
        for i, (obj, shape) in enumerate(zip(objs, shapes, strict=True)):
            parts.append(f"r{i} AS ({_insert_sql(obj, shape, connection)})")
            if obj._meta.auto_field is not None:
                keys.append(f"(SELECT {connection.ops.quote_name(obj._meta.pk.column or '')} FROM r{i})")  # noqa: S608 - the model's key column
        sql = _TOGETHER[kinds] = f"WITH {', '.join(parts)} SELECT {', '.join(keys) or '1'}"
    values = [v for obj, shape in zip(objs, shapes, strict=True) for v in _values(obj, shape, connection)]
    row = hotsql.fetchone(sql, values, using)
    for obj, pk in zip([o for o in objs if o._meta.auto_field is not None], row or (), strict=False):
        obj.pk = pk
    for obj in objs:
        _saved(obj, using)

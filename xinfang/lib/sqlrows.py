"""Hand-written SQL read into named tuples, each column converted as the ORM
would convert its model field (time zones, dates on SQLite, JSON, decryption).

For hot read paths where `Model.objects.raw()` costs more than the query: raw()
resolves its columns against the model and builds an instance per row on every
call. Here the converters are looked up once per statement and process, and a
row is a tuple."""

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field

from . import hotsql


@dataclass
class Statement:
    """One SELECT. `columns`: its result columns in order, each the model field
    whose value it is, or a plain name for a value used as the driver returns it
    (ids, counts, text). The tuples' names are the fields' attnames or the plain names."""

    sql: str
    columns: Sequence[Field | str]
    using: str = DEFAULT_DB_ALIAS
    _ready: tuple | None = field(default=None, repr=False)

    def _prepare(self):
        if self._ready is None:
            connection = connections[self.using]
            compiler = connection.ops.compiler("SQLCompiler")(None, connection, self.using)
            cols = [c.get_col(c.model._meta.db_table) if isinstance(c, Field) else None for c in self.columns]
            # Keyed by column position; plain names have none. The converters depend on
            # the backend, not on this connection, so one set serves every thread's.
            converters = compiler.get_converters(cols)
            names = [c.attname if isinstance(c, Field) else c for c in self.columns]
            self._ready = (compiler, converters, namedtuple("Row", names, rename=True))  # noqa: PYI024
        return self._ready

    def all(self, params: Sequence) -> list:
        compiler, converters, row = self._prepare()
        rows = hotsql.fetchall(self.sql, params, self.using)
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [row._make(r) for r in rows]

    def first(self, params: Sequence):
        found = self.all(params)
        return found[0] if found else None


def as_instance(model, row, using: str = DEFAULT_DB_ALIAS):
    """A model instance of the row's model fields (the rest deferred), for code
    and templates that expect one; extra columns are left out."""
    values = row._asdict()
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(using, names, [values[n] for n in names])

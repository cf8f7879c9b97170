"""Writing generated rows: primary keys handed out up front, then one bulk
insert per table and batch.

Two writers with the same interface:

* `OrmWriter` — `bulk_create` with model instances; works on every database
  (EncryptedTextField encrypts, JSONField serialises, auto_now fields take
  the current time, exactly as Django does it);
* `CopyWriter` — PostgreSQL `COPY … FROM STDIN` through psycopg 3, several
  times faster for millions of rows. It does by hand what the fields would do:
  SM4-encrypts `EncryptedTextField` values and serialises JSON.

Rows are plain tuples in the column order the caller passes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import JSONField
from django.utils import timezone

from xinfang.lib.crypto import encrypt, field_keys
from xinfang.lib.fields import EncryptedTextField


def make_writer(method: str = "auto"):
    if method == "auto":
        method = "copy" if connection.vendor == "postgresql" else "orm"
    if method == "copy":
        if connection.vendor != "postgresql":
            raise ValueError("COPY 写入仅支持 PostgreSQL")
        return CopyWriter()
    if method == "orm":
        return OrmWriter()
    raise ValueError(f"unknown write method {method!r}")


class _Writer:
    def begin_batch(self) -> None:
        """Called first inside each batch's transaction."""

    def allocate_ids(self, model, n: int) -> list[int]:
        """`n` fresh primary keys for `model`, safe to insert explicitly."""
        if n == 0:
            return []
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, n],
                )
                return [r[0] for r in cur.fetchall()]
            # SQLite and others: the batch transaction holds the write lock
            # (SQLite IMMEDIATE), so MAX(id) cannot move under us.
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our table name
            start = cur.fetchone()[0] + 1
        return list(range(start, start + n))

    def finish(self, total_cases: int, models) -> None:
        """Refresh planner statistics after a big load (PostgreSQL)."""


class OrmWriter(_Writer):
    def write(self, model, cols: list[str], rows: list[tuple]) -> int:
        if not rows:
            return 0
        objs = [model(**dict(zip(cols, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=2000 if connection.vendor == "postgresql" else 500)
        return len(objs)


class CopyWriter(_Writer):
    def __init__(self) -> None:
        self._key = field_keys()[0]
        self._specs: dict = {}

    def _spec(self, model, cols: tuple[str, ...]):
        """Column list (ours plus any other field, filled with its default),
        positions needing encryption / JSON, and the constant tail."""
        key = (model, cols)
        spec = self._specs.get(key)
        if spec is not None:
            return spec
        fields = {f.attname: f for f in model._meta.concrete_fields}
        enc = [i for i, c in enumerate(cols) if isinstance(fields[c], EncryptedTextField)]
        jsn = [i for i, c in enumerate(cols) if isinstance(fields[c], JSONField)]
        names = [fields[c].column for c in cols]
        tail: list[Any] = []
        for f in model._meta.concrete_fields:
            if f.attname in cols or f.primary_key:
                continue
            value: Any  # a field default: any Python value the column takes
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = timezone.now()
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            else:
                raise RuntimeError(f"{model.__name__}.{f.name} 没有默认值，生成器需要补充该字段")
            if isinstance(f, JSONField):
                value = json.dumps(value, ensure_ascii=False)
            elif isinstance(f, EncryptedTextField) and value:
                value = encrypt(value, self._key)
            names.append(f.column)
            tail.append(value)
        qn = connection.ops.quote_name
        sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(n) for n in names)}) FROM STDIN"
        spec = self._specs[key] = (sql, enc, jsn, tuple(tail))
        return spec

    def begin_batch(self) -> None:
        # Demo data: a crash may lose the last batches, so do not wait for the
        # WAL flush at each commit (the data stays consistent either way).
        with connection.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit TO OFF")

    def write(self, model, cols: list[str], rows: list[tuple]) -> int:
        if not rows:
            return 0
        sql, enc, jsn, tail = self._spec(model, tuple(cols))
        key = self._key
        dumps = json.dumps
        with connection.cursor() as wrapper:
            cur = wrapper.cursor  # the psycopg cursor behind Django's wrapper
            with cur.copy(sql) as copy:
                write_row = copy.write_row
                if enc or jsn:
                    for row in rows:
                        values = list(row)
                        for i in enc:
                            if values[i]:
                                values[i] = encrypt(values[i], key)
                        for i in jsn:
                            v = values[i]
                            values[i] = dumps(v, ensure_ascii=False) if v else ("[]" if v == [] else "{}")
                        values.extend(tail)
                        write_row(values)
                elif tail:
                    for row in rows:
                        write_row(row + tail)
                else:
                    for row in rows:
                        write_row(row)
        return len(rows)

    def finish(self, total_cases: int, models) -> None:
        if total_cases < 10000:
            return
        with connection.cursor() as cur:
            for model in models:
                cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class DeferredIndexes:
    """Bulk-load mode (PostgreSQL): drop the secondary indexes of the tables
    being loaded and build them once at the end, which is several times
    faster than maintaining them row by row. Primary keys and indexes behind
    constraints (unique, foreign keys) stay. The definitions are written to a
    file before anything is dropped, so an interrupted load can be repaired
    with `psql -f <file>`."""

    def __init__(self, models, log: Callable[[str], object] | None = None) -> None:
        self.models = models
        self.log = log or (lambda msg: None)
        self.defs: list[tuple[str, str]] = []
        self.path = ""

    def drop(self) -> None:
        import tempfile

        sql = (
            "SELECT ci.relname, pg_get_indexdef(ix.indexrelid) FROM pg_index ix "
            "JOIN pg_class ci ON ci.oid = ix.indexrelid WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) ORDER BY ci.relname"
        )
        with connection.cursor() as cur:
            for model in self.models:
                cur.execute(sql, [model._meta.db_table])
                self.defs += cur.fetchall()
        with tempfile.NamedTemporaryFile("w", prefix="generate_cases_indexes_", suffix=".sql", delete=False,
                                         encoding="utf-8") as f:
            f.write("".join(f"{d};\n" for _name, d in self.defs))
            self.path = f.name
        self.log(f"批量导入模式：暂时删除 {len(self.defs)} 个二级索引，导入后重建（定义已保存到 {self.path}）")
        with connection.cursor() as cur:
            for name, _d in self.defs:
                cur.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")

    def restore(self) -> None:
        import os
        import time

        started = time.monotonic()
        self.log(f"正在重建 {len(self.defs)} 个索引……")
        with connection.cursor() as cur:
            cur.execute("SET maintenance_work_mem TO '512MB'")
            for _name, definition in self.defs:
                cur.execute(definition.replace(" INDEX ", " INDEX IF NOT EXISTS ", 1))  # idempotent
            cur.execute("RESET maintenance_work_mem")
        self.log(f"索引重建完成，用时 {time.monotonic() - started:,.1f} 秒")
        if self.path:
            os.unlink(self.path)

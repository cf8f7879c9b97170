"""Keeping the rollup tables current.

`fold()` reads the CaseEvent rows past the stored watermark (events are
append-only with increasing ids), re-derives the facts of every case they
touch, adds the difference between the new and the stored facts to the
rollups, and moves the watermark, all in one transaction. Re-folding a case
adds nothing, so the fold is idempotent; two workers cannot fold at once
because the transaction holds the watermark row (the second one skips).

An id below the watermark may still appear later: a transaction that took
its id earlier commits after the fold read past it. Such missing ids are kept
as `gaps` and looked at again until they appear or are ten minutes old (a
rolled-back transaction leaves a gap forever).

`rebuild()` recomputes everything from scratch (first install, after a bulk
import, and for the benchmark database)."""

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from xinfang.cases.models import Case, CaseEvent

from .facts import Fact, RateItem, derive_facts
from .models import CaseFact, RateRollup, RollupMark, VolumeRollup

log = logging.getLogger(__name__)

MARK = "rollups"
EVENTS_PER_FOLD = 5000
GAP_TTL = timedelta(minutes=10)
MAX_GAPS = 1000
CHUNK = 2000

Deltas = dict[tuple, list[int]]


# -- applying differences ---------------------------------------------------------------

def _add(deltas: Deltas, rows: Iterable[tuple[tuple, tuple[int, ...]]], sign: int) -> None:
    for key, values in rows:
        acc = deltas.get(key)
        if acc is None:
            acc = deltas[key] = [0] * len(values)
        for i, v in enumerate(values):
            acc[i] += sign * v


def _upsert(model, deltas: Deltas) -> None:
    """Add each delta to its row, creating the row if needed: one
    INSERT … ON CONFLICT DO UPDATE per batch (PostgreSQL and SQLite alike)."""
    rows = [(key, values) for key, values in deltas.items() if any(values)]
    if not rows:
        return
    table = model._meta.db_table
    key_cols = [model._meta.get_field(f).column for f in model.KEY]
    measures = list(model.MEASURES)
    cols = key_cols + measures
    placeholders = "(" + ", ".join(["%s"] * len(cols)) + ")"
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
    if connection.vendor == "postgresql":
        _upsert_by_copy(table, key_cols, measures, rows)
        return
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cur:
        for start in range(0, len(rows), 500):
            batch = rows[start:start + 500]
            params: list = []
            for key, values in batch:
                params.extend(adapt(k) if hasattr(k, "isoformat") else k for k in key)
                params.extend(values)
            sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES {', '.join([placeholders] * len(batch))} "  # noqa: S608
                   f"ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET {updates}")
            cur.execute(sql, params)


def _upsert_by_copy(table: str, key_cols: list[str], measures: list[str], rows: list[tuple[tuple, list[int]]]) -> None:
    """PostgreSQL: COPY the deltas into a temporary table, then one set-based
    INSERT … SELECT … ON CONFLICT. Several times faster than VALUES lists."""
    cols = ", ".join(key_cols + measures)
    stage = f"{table}_stage"
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {cols} FROM {table} WITH NO DATA")  # noqa: S608
        cur.execute(f"TRUNCATE {stage}")
        with cur.cursor.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
            for key, values in rows:
                copy.write_row((*key, *values))
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} "  # noqa: S608
                    f"ON CONFLICT ({', '.join(key_cols)}) DO UPDATE SET {updates}")
        cur.execute(f"TRUNCATE {stage}")


def _insert_facts(facts: list[Fact]) -> None:
    if connection.vendor != "postgresql":
        CaseFact.objects.bulk_create([_to_row(f) for f in facts], batch_size=1000)
        return
    cols = "case_id, day, county, org_id, category_id, channel, is_repeat, is_group, headcount, rate_items"
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {CaseFact._meta.db_table} ({cols}) FROM STDIN") as copy:
        for f in facts:
            copy.write_row((f.case_id, f.day, f.county, f.org_id, f.category_id, f.channel, f.is_repeat, f.is_group,
                            f.headcount, json.dumps([i.as_json() for i in f.rate_items])))


def _stored_facts(case_ids: list[int]) -> dict[int, Fact]:
    out = {}
    for f in CaseFact.objects.filter(case_id__in=case_ids):
        out[f.case_id] = Fact(f.case_id, f.day, f.county, f.org_id, f.category_id, f.channel, f.is_repeat,
                              f.is_group, f.headcount, [RateItem.from_json(r) for r in f.rate_items])
    return out


def _to_row(f: Fact) -> CaseFact:
    return CaseFact(case_id=f.case_id, day=f.day, county=f.county, org_id=f.org_id, category_id=f.category_id,
                    channel=f.channel, is_repeat=f.is_repeat, is_group=f.is_group, headcount=f.headcount,
                    rate_items=[i.as_json() for i in f.rate_items])


def refresh_cases(case_ids: Iterable[int], now: datetime, *, stored: bool = True) -> int:
    """Re-derive the facts of these cases and move the rollups by the difference.
    `stored=False` skips reading old facts (the rebuild knows there are none)."""
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        old = _stored_facts(chunk) if stored else {}
        new = derive_facts(chunk, now)
        volume: Deltas = {}
        rate: Deltas = {}
        for f in old.values():
            _add(volume, f.volume_rows(), -1)
            _add(rate, f.rate_rows(), -1)
        for f in new.values():
            _add(volume, f.volume_rows(), +1)
            _add(rate, f.rate_rows(), +1)
        _upsert(VolumeRollup, volume)
        _upsert(RateRollup, rate)
        if old:
            CaseFact.objects.filter(case_id__in=list(old)).delete()
        _insert_facts(list(new.values()))
    return len(ids)


# -- the watermark --------------------------------------------------------------------------

def _mark_for_update(*, wait: bool) -> RollupMark | None:
    RollupMark.objects.get_or_create(name=MARK)
    rows = RollupMark.objects.filter(name=MARK)
    return (rows.select_for_update() if wait else rows.select_for_update(skip_locked=True)).first()


def _recent_gaps(gaps: dict[int, str], now: datetime) -> dict[str, str]:
    fresh = {k: v for k, v in gaps.items() if now - datetime.fromisoformat(v) < GAP_TTL}
    return {str(k): fresh[k] for k in sorted(fresh)[-MAX_GAPS:]}


def fold(now: datetime | None = None, limit: int = EVENTS_PER_FOLD) -> dict[str, int]:
    """Fold up to `limit` new events. {"busy": 1} when another fold holds the mark."""
    now = now or timezone.now()
    with transaction.atomic():
        mark = _mark_for_update(wait=False)
        if mark is None:
            return {"busy": 1}
        gaps = {int(k): v for k, v in mark.gaps.items()}
        events = list(CaseEvent.objects.filter(id__gt=mark.last_event_id).order_by("id")
                      .values_list("id", "case_id")[:limit])
        late = list(CaseEvent.objects.filter(id__in=list(gaps)).values_list("id", "case_id")) if gaps else []
        top = events[-1][0] if events else mark.last_event_id
        seen = {e for e, _ in events}
        for missing in range(max(mark.last_event_id + 1, top - MAX_GAPS), top + 1):
            if missing not in seen:
                gaps[missing] = now.isoformat()
        for e, _ in late:
            gaps.pop(e, None)
        cases = refresh_cases({c for _, c in events} | {c for _, c in late}, now)
        mark.last_event_id = top
        mark.gaps = _recent_gaps(gaps, now)
        mark.folded_at = now
        mark.save(update_fields=["last_event_id", "gaps", "folded_at"])
    return {"events": len(events), "late_events": len(late), "cases": cases}


def fold_all(now: datetime | None = None, max_rounds: int = 100) -> dict[str, int]:
    """Fold until caught up (each round its own short transaction)."""
    total: dict[str, int] = defaultdict(int)
    for _ in range(max_rounds):
        result = fold(now)
        for k, v in result.items():
            total[k] += v
        if result.get("busy") or result.get("events", 0) < EVENTS_PER_FOLD:
            break
    return dict(total)


def rebuild(now: datetime | None = None, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every fact and rollup from scratch in one transaction, waiting
    for a running fold to finish; the watermark ends at the last event seen."""
    now = now or timezone.now()
    with transaction.atomic():
        mark = _mark_for_update(wait=True)
        assert mark is not None
        top = CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
        for model in (CaseFact, VolumeRollup, RateRollup):
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute(f"TRUNCATE {model._meta.db_table}")
            else:
                model.objects.all().delete()
        total = Case.objects.count()
        done = 0
        last_pk = 0
        while True:
            ids = list(Case.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:CHUNK * 5])
            if not ids:
                break
            refresh_cases(ids, now, stored=False)
            last_pk = ids[-1]
            done += len(ids)
            if progress is not None:
                progress(done, total)
        present = set(CaseEvent.objects.filter(id__gt=top - MAX_GAPS, id__lte=top).values_list("id", flat=True))
        mark.gaps = {str(i): now.isoformat() for i in range(max(1, top - MAX_GAPS + 1), top + 1) if i not in present}
        mark.last_event_id = top
        mark.rebuilt_at = mark.folded_at = now
        mark.save()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh tables: real row counts for the planner, and the visibility map
        # that lets the covering indexes answer without reading the table.
        with connection.cursor() as cur:
            for model in (CaseFact, VolumeRollup, RateRollup):
                cur.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    log.info("rollups rebuilt: %s cases", done)
    return done


def is_current(slack: int = 0) -> bool:
    """Whether the rollups have folded every event (within `slack` events)."""
    mark = RollupMark.objects.filter(name=MARK).first()
    if mark is None or mark.rebuilt_at is None and mark.last_event_id == 0:
        return False
    top = CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
    return top - mark.last_event_id <= slack

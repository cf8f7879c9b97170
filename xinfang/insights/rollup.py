"""Fill the weekly rollups from newly registered cases.

A high-water mark on case id (`RollupCursor`) says which cases are counted.
Each batch runs in one transaction: lock the cursor row, read the next cases
by id, add their counts (INSERT … ON CONFLICT DO UPDATE count = count + n),
move the cursor with a conditional update. So a batch is counted exactly once:
a second worker waits on the lock (PostgreSQL) or fails its conditional update
and rolls back (SQLite), and a crash rolls the counts back with the cursor.

Ids are handed out at INSERT but become visible at COMMIT, so a long
registration could commit a lower id after the cursor passed it. We therefore
only pass a case once it is `SETTLE` old: any lower id was inserted before it,
and no registration transaction stays open that long.
"""

from collections import Counter
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from xinfang.cases.models import Case, CasePetitioner

from .models import RollupCursor
from .phrases import case_phrases

CURSOR = "cases"
BATCH = 2000
SETTLE = timedelta(minutes=2)


def week_of(moment: datetime) -> date:
    """Monday of the local (Asia/Shanghai) week."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def region_key(code: str) -> str:
    return code[:6]


def region_levels(code: str) -> list[str]:
    """Province, city and county keys of a region: phrase counts are kept at
    each level, so a city's year is ~100k rows read by equality, not a range
    over every county's rows."""
    return [code[:n] for n in (2, 4, 6) if len(code) >= n]


@lru_cache(maxsize=50_000)
def _phrases_cached(search_text: str) -> frozenset[str]:
    # Generated and template-like texts repeat; the cache makes backfill fast
    # without changing a single count.
    return frozenset(case_phrases(search_text))


def phrases_for(search_text: str, names: tuple[str, ...]) -> set[str]:
    found = set(_phrases_cached(search_text))
    if names:
        found = {t for t in found if not any(t in n or n in t for n in names if len(n) >= 2)}
    return found


def _cursor_row() -> RollupCursor:
    row = RollupCursor.objects.filter(name=CURSOR).first()
    if row is None:
        with transaction.atomic():
            RollupCursor.objects.get_or_create(name=CURSOR)
    return RollupCursor.objects.select_for_update().get(name=CURSOR)


def _upsert(table: str, keys: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    cols = [*keys, "count"]
    width = len(cols)
    chunk = 5000 // width
    with connection.cursor() as cur:
        for i in range(0, len(rows), chunk):
            part = rows[i:i + chunk]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(part))
            # Table and column names are our own constants; values are parameters.
            sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES {values} "  # noqa: S608
                   f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET count = {table}.count + excluded.count")
            cur.execute(sql, [v for row in part for v in row])


def _names_by_case(ids: list[int]) -> dict[int, tuple[str, ...]]:
    names: dict[int, list[str]] = {}
    for case_id, name in CasePetitioner.objects.filter(case_id__in=ids).values_list("case_id", "petitioner__name"):
        names.setdefault(case_id, []).append(name)
    return {k: tuple(v) for k, v in names.items()}


def count_cases(rows: list[tuple]) -> tuple[Counter, Counter, Counter]:
    """(term-week, term-total, volume-week) counters for rows of
    (id, registered_at, issue_region_id, category_id, search_text)."""
    names = _names_by_case([r[0] for r in rows])
    terms: Counter = Counter()
    totals: Counter = Counter()
    volume: Counter = Counter()
    for case_id, registered_at, region, category_id, text in rows:
        week = week_of(registered_at).isoformat()
        volume[(week, region_key(region), category_id)] += 1
        levels = region_levels(region)
        for term in phrases_for(text, names.get(case_id, ())):
            for key in levels:
                terms[(week, key, term)] += 1
            totals[term] += 1
    return terms, totals, volume


def ingest_batch(now: datetime | None = None, batch: int = BATCH) -> int:
    """Count the next batch of settled cases; returns how many were counted."""
    settled_before = (now or timezone.now()) - SETTLE
    with transaction.atomic():
        cursor = _cursor_row()
        start = cursor.last_case_id
        fetched = list(
            Case.objects.filter(id__gt=start).order_by("id")
            .values_list("id", "registered_at", "issue_region_id", "category_id", "search_text", "updated_at")[:batch]
        )
        rows = []
        for row in fetched:
            if row[5] > settled_before:
                break  # not settled yet: stop here, the next run continues
            rows.append(row[:5])
        if not rows:
            return 0
        terms, totals, volume = count_cases(rows)
        _upsert("insights_termweek", ["week", "region", "term"], [(*k, v) for k, v in terms.items()])
        _upsert("insights_termtotal", ["term"], [(k, v) for k, v in totals.items()])
        _upsert("insights_volumeweek", ["week", "region", "category_id"], [(*k, v) for k, v in volume.items()])
        moved = RollupCursor.objects.filter(name=CURSOR, last_case_id=start).update(
            last_case_id=rows[-1][0], cases_counted=cursor.cases_counted + len(rows), updated_at=timezone.now())
        if moved != 1:
            raise RuntimeError("rollup cursor moved by another worker; batch rolled back")
        return len(rows)


def rollup_version() -> str | None:
    """Changes whenever a batch is counted: part of cache keys, so a cached
    figure never outlives the data it was computed from."""
    row = RollupCursor.objects.filter(name=CURSOR).values_list("last_case_id", "updated_at").first()
    return f"{row[0]}-{row[1].timestamp()}" if row else None


def ingest_new(now: datetime | None = None, max_cases: int | None = None) -> dict[str, int]:
    """Count every settled case not counted yet (the scheduled job)."""
    done = 0
    while max_cases is None or done < max_cases:
        n = ingest_batch(now)
        if n == 0:
            break
        done += n
    return {"counted": done}


def reset() -> None:
    from .models import TermTotal, TermWeek, VolumeWeek

    with transaction.atomic():
        TermWeek.objects.all().delete()
        TermTotal.objects.all().delete()
        VolumeWeek.objects.all().delete()
        RollupCursor.objects.filter(name=CURSOR).delete()

"""Readable case numbers, unique per region and year: 320213-2026-000123."""

from django.db import IntegrityError, transaction

from xinfang.lib import hotsql
from xinfang.lib.dbinsert import insert_computed

from .models import Case, CaseCounter


def numbering_region(region_code: str) -> str:
    """Towns and streets number under their county; provinces and cities under themselves."""
    return region_code[:6] if len(region_code) > 6 else region_code


def format_number(region_code: str, year: int, seq: int) -> str:
    # Always six digits before the year (3202 → 320200), like the statistics code of a county.
    return f"{region_code.ljust(6, '0')}-{year}-{seq:06d}"


def insert_reserving_case_id(row) -> int:
    """PostgreSQL: insert `row` (the first of the new case's rows that refer to
    it, e.g. its CaseOrg) with the id the case row will have, taken from the
    case table's own sequence in the same statement; returns that id. The
    case's other rows are then written before it (their foreign keys are
    checked at commit) and the case row last, with its number (insert_numbered)."""
    written = insert_computed(row, {
        "case_id": f"nextval(pg_get_serial_sequence('{Case._meta.db_table}', '{Case._meta.pk.column}'))"})
    assert written is not None  # noqa: S101 - an INSERT … VALUES always writes its row
    row.case_id = written[0]
    return row.case_id


def insert_numbered(case: Case, year: int) -> str:
    """PostgreSQL: take the next number of the case's numbering region and year
    and write the case row (its id reserved by insert_reserving_case_id) with it, in one
    statement: the row is written once, never updated to take its number (which
    would write a second copy of it and of each of its index entries).

    The counter row stays locked until the registering transaction commits, so
    registrations in one county queue behind each other for the rest of the
    transaction: call this as late in it as possible."""
    region = case.numbering_region_id
    # format_number in SQL: the prefix, then at least six digits.
    counter = (f"{_TAKE} RETURNING %s || lpad(last_value::text, greatest(6, length(last_value::text)), '0')"
               " AS number")
    params = (region, year, format_number(region, year, 0)[:-6])
    row = _with_counter(region, year, lambda: insert_computed(
        case, {"number": "c.number"}, prefix=f"WITH c AS ({counter})", prefix_params=params, source="c"))
    case.number = row[0]
    return case.number


def next_case_number(region_code: str, year: int) -> str:
    """Hand out the next number. Must run inside the registering transaction so
    a rolled-back registration also gives its number back.

    One `UPDATE … RETURNING` increments and reads atomically: PostgreSQL locks
    the counter row until commit, SQLite serialises writers (IMMEDIATE
    transactions), so two registrations can never read the same value."""

    def take() -> tuple | None:
        return hotsql.fetchone(f"{_TAKE} RETURNING last_value", [region_code, year])

    return format_number(region_code, year, _with_counter(region_code, year, take)[0])


# Table name is ours; region and year are parameters.
_TAKE = (f"UPDATE {CaseCounter._meta.db_table} SET last_value = last_value + 1"  # noqa: S608
         " WHERE region_id = %s AND year = %s")


def _with_counter(region_code: str, year: int, take):
    """`take()`'s row, creating the counter for the first case of this region
    and year (take() found none) and taking again."""
    row = take()
    if row is None:
        _create_counter(region_code, year)
        row = take()
    if row is None:
        raise RuntimeError(f"no case counter for {region_code}/{year}")
    return row


def _create_counter(region_code: str, year: int) -> None:
    try:
        with transaction.atomic():
            CaseCounter.objects.create(region_id=region_code, year=year, last_value=0)
    except IntegrityError:
        pass  # another registration created the row first; fine

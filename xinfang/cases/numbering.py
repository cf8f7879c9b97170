"""Readable case numbers, unique per region and year: 320213-2026-000123."""

import uuid

from django.db import IntegrityError, connection, transaction

from .models import Case, CaseCounter


def numbering_region(region_code: str) -> str:
    """Towns and streets number under their county; provinces and cities under themselves."""
    return region_code[:6] if len(region_code) > 6 else region_code


def format_number(region_code: str, year: int, seq: int) -> str:
    # Always six digits before the year (3202 → 320200), like the statistics code of a county.
    return f"{region_code.ljust(6, '0')}-{year}-{seq:06d}"


def provisional_number() -> str:
    """A unique placeholder for a case row written before its number is taken
    (see next_case_number: take it as late in the transaction as possible)."""
    return f"~{uuid.uuid4().hex[:30]}"  # within the 32 characters of Case.number


def next_case_number(region_code: str, year: int, *, case_id: int | None = None) -> str:
    """Hand out the next number; with `case_id`, also write it onto that case.
    Must run inside the registering transaction so a rolled-back registration
    also gives its number back.

    One `UPDATE … RETURNING` increments and reads atomically: PostgreSQL locks
    the counter row until commit, SQLite serialises writers (IMMEDIATE
    transactions), so two registrations can never read the same value. On
    PostgreSQL the case's number is written by the same statement.

    The counter row stays locked until the registering transaction commits, so
    registrations in one county queue behind each other for the rest of the
    transaction: call this as late in it as possible."""
    table = CaseCounter._meta.db_table
    sql = f"UPDATE {table} SET last_value = last_value + 1 WHERE region_id = %s AND year = %s RETURNING last_value"  # noqa: S608 - table name is ours
    params: list = [region_code, year]
    together = case_id is not None and connection.vendor == "postgresql"
    if together:
        # format_number in SQL: the prefix, then at least six digits.
        sql = (f"WITH c AS ({sql}) UPDATE {Case._meta.db_table} SET number = %s || "  # noqa: S608 - table names are ours
               "lpad(c.last_value::text, greatest(6, length(c.last_value::text)), '0') "
               "FROM c WHERE id = %s RETURNING c.last_value")
        params += [format_number(region_code, year, 0)[:-6], case_id]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    CaseCounter.objects.create(region_id=region_code, year=year, last_value=0)
            except IntegrityError:
                pass  # another registration created the row first; fine
            cur.execute(sql, params)
            row = cur.fetchone()
    number = format_number(region_code, year, row[0])
    if case_id is not None and not together:
        Case.objects.filter(pk=case_id).update(number=number)
    return number

"""A cache for the public case page: what the petitioner sees of a case changes
only when the case does, but the page is read far more often than it changes.

An entry is keyed by the case and a version read in one small query each time:
the case row's `updated_at`, the newest event of the case (every transition,
note, publication, evaluation and review request writes one, public or not),
and the outbox rows of the case (a notice turns 已发送 without an event). Any
change to what the page shows moves the version, so a new event is on the page
at once; the stale entry is simply never read again and expires. The TTL is
only a backstop for changes that write none of these (a corrected holiday
calendar moving a due date, a corrected petitioner phone)."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection

from xinfang.cases.models import Case, CaseEvent
from xinfang.notifications.models import OutboxMessage

TTL = 300  # seconds
PREFIX = "portal:case:v1"  # bump when PublicRecord (xinfang.portal.track) changes shape


def _version_sql() -> str:
    events, outbox = CaseEvent._meta.db_table, OutboxMessage._meta.db_table
    # Two index lookups by case_id in one round trip; portable to SQLite.
    return (
        f"SELECT (SELECT MAX(id) FROM {events} WHERE case_id = %s), "  # noqa: S608 - our own table names
        f"(SELECT COUNT(*) FROM {outbox} WHERE case_id = %s AND template <> 'verification_code'), "
        f"(SELECT MAX(id) FROM {outbox} WHERE case_id = %s), "
        f"(SELECT COUNT(*) FROM {outbox} WHERE case_id = %s AND state = 'sent')"
    )


def version(case: Case) -> str:
    with connection.cursor() as cur:
        cur.execute(_version_sql(), [case.pk] * 4)
        row = cur.fetchone()
    stamp = case.updated_at.timestamp() if case.updated_at else 0
    return f"{stamp:.6f}:" + ":".join(str(x or 0) for x in row)


def key(case: Case, ver: str) -> str:
    return f"{PREFIX}:{case.pk}:{ver}"


def get_or_build(case: Case, build: Callable[[], Any]) -> Any:
    """The cached value for the case's current version, or `build()` stored under it."""
    k = key(case, version(case))
    value = cache.get(k)
    if value is None:
        value = build()
        cache.set(k, value, TTL)
    return value

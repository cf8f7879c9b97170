"""A cache for the public case page: what the petitioner sees of a case changes
only when the case does, but the page is read far more often than it changes.

An entry is keyed by the case and a version read in the same query as the case:
the case row's `updated_at`, the newest event of the case (every transition,
note, publication, evaluation and review request writes one, public or not),
and the outbox rows of the case (a notice turns 已发送 without an event). Any
change to what the page shows moves the version, so a new event is on the page
at once; the stale entry is simply never read again and expires. The TTL is
only a backstop for changes that write none of these (a corrected holiday
calendar moving a due date, a corrected petitioner phone)."""

import functools
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from xinfang.cases.models import Case, CaseEvent
from xinfang.notifications.models import OutboxMessage

TTL = 300  # seconds
PREFIX = "portal:case:v4"  # bump when PublicRecord (xinfang.portal.track) changes shape

# What the page needs of the case row when its case part comes from the cache:
# the status and version, and the orgs by id (loaded if the page shows them).
PAGE_FIELDS = ("id", "number", "status", "updated_at", "current_org_id", "registered_org_id", "issue_region_id")
PARTS = ("v_event", "v_outbox")


def _version_sql(case_id_sql: str) -> dict[str, str]:
    """The version's parts, portable to SQLite. `case_id_sql` names the case id
    column of the query's main table.

    Each part reads the case's own rows through the case_id index. `MAX(id + 0)`,
    not `MAX(id)`: for a bare MAX(id) PostgreSQL may walk the primary key
    backwards from the newest row of the whole table until it meets one of this
    case, which costs more the older the case and the bigger the table (4 ms on
    a 1M-case database with only 41,000 outbox rows). The outbox's three figures
    (notices, newest message, messages sent) come from one pass over its rows."""
    events, outbox = CaseEvent._meta.db_table, OutboxMessage._meta.db_table
    # Our own table names; nothing from the request.
    return {
        "v_event": f"(SELECT MAX(id + 0) FROM {events} WHERE case_id = {case_id_sql})",  # noqa: S608
        "v_outbox": f"(SELECT SUM(CASE WHEN template <> 'verification_code' THEN 1 ELSE 0 END) || ':'"  # noqa: S608
                    f" || MAX(id + 0) || ':' || SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END)"
                    f" FROM {outbox} WHERE case_id = {case_id_sql})",
    }


@functools.cache
def case_sql(join: str = "", where: str = "c.id = %s", extra: str = "") -> str:
    """SELECT the page's fields of a case (alias c) with the version parts.
    Written out once per process: on the busiest public path the ORM's compile
    step cost twice what the query itself does."""
    fields = ", ".join(f'c."{Case._meta.get_field(f).column}"' for f in PAGE_FIELDS)  # type: ignore[union-attr]
    parts = ", ".join(f"{sql} AS {name}" for name, sql in _version_sql('c."id"').items())
    return f'SELECT {fields}, {parts}{extra} FROM "{Case._meta.db_table}" c {join} WHERE {where}'  # noqa: S608


def load(case_id: int) -> Case | None:
    """The case's page fields and its version, in one query."""
    found = list(Case.objects.raw(case_sql(), [case_id]))
    return found[0] if found else None


def version(case: Case) -> str:
    """From the parts read with the case (`case_sql`), or asked for now."""
    if not hasattr(case, PARTS[0]):
        case = load(case.pk) or case
    parts = tuple(getattr(case, name, 0) for name in PARTS)
    stamp = case.updated_at.timestamp() if case.updated_at else 0
    return f"{stamp:.6f}:" + ":".join(str(x or 0) for x in parts)


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

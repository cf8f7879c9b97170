"""Regions and petition bureaus as the public pages read them on every
request: kept in this process (see xinfang.lib.memo), handed out as fresh
instances so no request can change another's."""

import copy
from collections.abc import Collection

from django.db import DEFAULT_DB_ALIAS

from xinfang.lib.memo import Memo

from .models import Org, OrgKind, Region

TTL = 60.0  # seconds another process's change may take to show here

# Region rows, filled in as codes are asked for: the table holds the whole
# country (~45,000 rows), a portal uses a few hundred of them.
_regions: Memo[dict[str, tuple]] = Memo(dict, ttl=TTL)
_bureaus: Memo[list[Org]] = Memo(lambda: list(Org.objects.filter(kind=OrgKind.BUREAU, is_active=True)), ttl=TTL)

REGION_FIELDS = [f.attname for f in Region._meta.concrete_fields]


def region(code: str) -> Region | None:
    """The region with this code, or None."""
    rows = _regions.get()
    row = rows.get(code)
    if row is None:
        row = Region.objects.filter(pk=code).values_list(*REGION_FIELDS).first()
        if row is None:
            return None  # not kept: made-up codes must not fill the memory
        rows[code] = row
    return Region.from_db(DEFAULT_DB_ALIAS, REGION_FIELDS, row)


def active_bureaus(region_ids: Collection[str] | None = None) -> list[Org]:
    """The active petition bureaus (of these regions), in the org tree's order (Org.Meta.ordering)."""
    return [copy.copy(o) for o in _bureaus.get() if region_ids is None or o.region_id in region_ids]


def connect() -> None:
    """Forget what changed here at once (OrgsConfig.ready)."""
    from xinfang.lib.memo import clear_on_change

    clear_on_change(_regions, Region)
    clear_on_change(_bureaus, Org)

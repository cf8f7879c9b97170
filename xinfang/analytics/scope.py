"""Whose cases a dashboard counts, and whether the rollups can answer for them.

A region-wide user (registrar, leader, supervisor or analyst of a petition
bureau or a government) sees every case whose issue region lies in their
region's subtree. When all their seats are such seats and each region is a
county or wider, the rollup rows (keyed by county) answer exactly the cases of
their regions, counted by issue region (属地) as the national statistics do.

Everyone else (a department, a town, a handler) sees the cases their org is
involved in, which no rollup key expresses: their dashboards are live
aggregate queries over `visible_cases(user)`, slower but exact."""

from dataclasses import dataclass

from xinfang.orgs.access import REGION_WIDE_KINDS, REGION_WIDE_ROLES, case_seats, region_scopes
from xinfang.orgs.models import Region, RegionLevel

ROLLUP, LIVE = "rollup", "live"


@dataclass(frozen=True)
class Scope:
    mode: str
    regions: tuple[str, ...]  # rollup mode: region codes whose subtrees are counted
    counties: tuple[tuple[str, str], ...]  # (code, name) the region filter offers

    @property
    def county_codes(self) -> set[str]:
        return {c for c, _ in self.counties}

    @property
    def label(self) -> str:
        if self.mode == ROLLUP:
            return "、".join(Region.objects.filter(code__in=self.regions).values_list("name", flat=True))
        return "本单位经办的信访事项"


def _counties_under(codes: set[str]) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for code in sorted(codes):
        if len(code) >= 6:
            county = Region.objects.filter(code=code[:6]).values_list("code", "name").first()
            if county:
                found[county[0]] = county[1]
            continue
        for c, name in Region.objects.filter(level=RegionLevel.COUNTY, code__gte=code,
                                             code__lt=code + "\uffff").values_list("code", "name"):
            found[c] = name
    return tuple(sorted(found.items()))


def scope_for(user) -> Scope | None:
    """None when the user holds no seat that sees cases."""
    seats = case_seats(user)
    if not seats:
        return None
    regions = region_scopes(user)
    region_wide = all(s.org_kind in REGION_WIDE_KINDS and s.role in REGION_WIDE_ROLES for s in seats)
    if regions and region_wide and all(len(c) <= 6 for c in regions):
        return Scope(ROLLUP, tuple(sorted(regions)), _counties_under(regions))
    return Scope(LIVE, (), _counties_under({s.region_code for s in seats} | regions))

"""Top hotspots and active warnings for the dashboard and the reports, from the
insights app. One seam, so the dashboard's tests can stand in for it."""

from datetime import date

from xinfang.insights import api


def top_hotspots(user, start: date, end: date, region_code: str | None = None, limit: int = 10) -> list[dict] | None:
    return list(api.top_hotspots(user, start, end, region_code=region_code, limit=limit))


def active_warnings(user, start: date, end: date, limit: int = 20) -> list[dict] | None:
    return list(api.active_warnings(user, start, end, limit=limit))

"""Top hotspots and active warnings come from the insights app when it is
installed. Imported lazily: without it the dashboard and the reports simply
leave those sections out."""

from datetime import date


def top_hotspots(user, start: date, end: date, region_code: str | None = None, limit: int = 10) -> list[dict] | None:
    try:
        from xinfang.insights import api  # type: ignore[attr-defined]
    except ImportError:
        return None
    return list(api.top_hotspots(user, start, end, region_code=region_code, limit=limit))


def active_warnings(user, start: date, end: date, limit: int = 20) -> list[dict] | None:
    try:
        from xinfang.insights import api  # type: ignore[attr-defined]
    except ImportError:
        return None
    return list(api.active_warnings(user, start, end, limit=limit))

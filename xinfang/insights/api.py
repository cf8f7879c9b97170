"""Public entry points for other apps (dashboards, reports). Both respect the
user's visibility: they read only what `visible_cases(user)` allows."""

from datetime import date

from .hotspots import hotspots
from .scope import scope_for
from .warnings import active_warnings as _active_warnings


def top_hotspots(user, start: date, end: date, region_code: str | None = None, limit: int = 10) -> list[dict]:
    """Key phrases of the period, best first: dicts with phrase, weight (TF-IDF),
    count (cases), growth (vs the phrase's own baseline; None without one) and
    url (the drill-down to the cases)."""
    scope = scope_for(user, region_code)
    return [h.as_dict() for h in hotspots(scope, start, end, region_code, limit)]


def active_warnings(user, start: date, end: date, limit: int = 20) -> list[dict]:
    """Surges, urgent-content alerts and group-petition clusters, most severe
    first: dicts with kind, level (red/orange), title, explanation (Chinese) and url."""
    return [w.as_dict() for w in _active_warnings(user, start, end, limit)]

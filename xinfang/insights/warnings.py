"""All warnings a user may see for a period: surges per category and county,
urgent-content alerts on submissions, and clusters of group petitions."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.urls import reverse

from xinfang.orgs.access import visible_cases

from .clusters import WINDOW_DAYS, group_clusters
from .hotspots import drill_url
from .models import Alert
from .rollup import rollup_version
from .scope import Scope, day_start, monday, scope_for
from .series import build_series
from .surges import BASELINE_WEEKS, detect

KIND_LABELS = {"surge": "异常激增", "urgent": "扬言预警", "group_cluster": "集体访聚集"}
LEVEL_ORDER = {"red": 0, "orange": 1, "yellow": 2}


@dataclass
class Warning:
    kind: str
    level: str
    title: str
    explanation: str
    url: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "level": self.level, "title": self.title, "explanation": self.explanation,
                "url": self.url}


def last_complete_week(end: date) -> date:
    """Monday of the last week that ends on or before `end`."""
    return monday(end) if end.weekday() == 6 else monday(end) - timedelta(weeks=1)


def surge_warnings(scope: Scope, end: date) -> list[Warning]:
    """Surges as of the last complete week; cached a few minutes for rollup
    scopes, since complete weeks change only as late registrations trickle in."""
    last = last_complete_week(end)
    version = rollup_version()
    key = (f"insights:surges:{','.join(scope.codes)}:{end.isoformat()}:{version}"
           if scope.codes is not None and version else None)
    if key and (cached := cache.get(key)) is not None:
        return cached
    found: list[Warning] = []
    for s in build_series(scope, last, BASELINE_WEEKS + 4):
        surge = detect(s.values)
        if surge is None:
            continue
        what = {"total": "全部信访", "category": "内容分类", "region": "问题属地"}[s.dimension]
        label = "" if s.key == "total" else f"「{s.label}」"
        found.append(Warning(
            "surge", surge.level, f"{what}{label}信访量激增",
            surge.explain("" if s.key == "total" else f"{s.label}类" if s.dimension == "category" else s.label,
                          last),
            reverse("insights:forecasts") + f"?end={end.isoformat()}#series-{s.key.replace(':', '-')}",
        ))
    if key:
        cache.set(key, found, 600)
    return found


def urgent_warnings(user, start: date, end: date, limit: int = 50) -> list[Warning]:
    # Alerts are few: take the period's newest, then keep those on visible
    # cases (one indexed lookup), rather than join the alerts to the whole
    # visible set of a city.
    recent = list(Alert.objects.filter(created_at__gte=day_start(start),
                                       created_at__lt=day_start(end + timedelta(days=1)))
                  .select_related("case").order_by("-created_at")[:2000])
    seen = set(visible_cases(user).filter(pk__in={a.case_id for a in recent}).values_list("pk", flat=True))
    out = []
    for a in [a for a in recent if a.case_id in seen][:limit]:
        words = "、".join(dict.fromkeys(m["word"] for m in a.matches[:5]))
        out.append(Warning(
            "urgent", a.level, f"{a.get_kind_display()}：{a.case.number}",
            f"{a.created_at:%m月%d日 %H:%M} 收到的来件含「{words}」，已通知{a.notified}名领导和督查员",
            reverse("cases:detail", args=[a.case_id]),
        ))
    return out


def cluster_warnings(scope: Scope, end: date) -> list[Warning]:
    """Cached like surges: reading a month of a city's group petitions takes
    a second or two, and the answer changes only when new cases are counted."""
    version = rollup_version()
    key = (f"insights:clusters:{','.join(scope.codes)}:{end.isoformat()}:{version}"
           if scope.codes is not None and version else None)
    if key and (cached := cache.get(key)) is not None:
        return cached
    out = []
    start = end - timedelta(days=WINDOW_DAYS - 1)
    for c in group_clusters(scope.cases(), end):
        level = "red" if len(c.case_ids) >= 5 or c.headcount >= 100 else "orange"
        topic = "、".join(c.phrases)
        out.append(Warning(
            "group_cluster", level, f"集体访聚集：{topic}",
            f"近{WINDOW_DAYS}天有{len(c.case_ids)}批集体访（合计{c.headcount}人）反映相近问题（{topic}），"
            f"涉及{'、'.join(c.regions)}",
            drill_url(" ".join(c.phrases[:2]), start, end, None, group=True),
        ))
    if key:
        cache.set(key, out, 600)
    return out


def active_warnings(user, start: date, end: date, limit: int = 20) -> list[Warning]:
    scope = scope_for(user)
    if scope.empty:
        return []
    found = urgent_warnings(user, start, end) + surge_warnings(scope, end) + cluster_warnings(scope, end)
    found.sort(key=lambda w: (LEVEL_ORDER.get(w.level, 9), list(KIND_LABELS).index(w.kind)))
    return found[:limit]

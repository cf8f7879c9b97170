"""Clusters of group petitions (集体访) on one topic in a window.

Each group case is reduced to its most distinctive key phrases (highest IDF);
two cases of the same county (属地: a mass incident is local) are linked when
their phrase sets overlap enough (Jaccard ≥ `LINK`); connected cases form a
cluster. A phrase shared by more than `MAX_SHARED` group cases of a county in
the window is too common to tie two of them together. A cluster of `MIN_CASES` or more
group petitions within `WINDOW_DAYS` is a warning: many groups raising the
same matter at once is how a local dispute turns into a mass incident.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet

from xinfang.cases.models import Case

from .hotspots import idf
from .rollup import _names_by_case, phrases_for, region_key
from .scope import day_start

WINDOW_DAYS = 30
MIN_CASES = 3
LINK = 0.3
TOP_PHRASES = 8
CAP = 3000  # newest group cases examined
MAX_SHARED = 40
MAX_CLUSTERS = 10


@dataclass
class Cluster:
    case_ids: list[int]
    headcount: int
    phrases: list[str]
    regions: list[str] = field(default_factory=list)


class _Union:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def group_clusters(visible: QuerySet[Case], end: date, window_days: int = WINDOW_DAYS) -> list[Cluster]:
    start = end - timedelta(days=window_days - 1)
    rows = list(visible.filter(is_group=True, registered_at__gte=day_start(start),
                               registered_at__lt=day_start(end + timedelta(days=1)))
                .order_by("-registered_at")
                .values_list("id", "search_text", "headcount", "issue_region__name", "issue_region_id")[:CAP])
    if len(rows) < MIN_CASES:
        return []
    names = _names_by_case([r[0] for r in rows])
    sets = {r[0]: phrases_for(r[1], names.get(r[0], ())) for r in rows}
    weights = idf(sorted({t for s in sets.values() for t in s}))
    top = {cid: set(sorted(s, key=lambda t: -weights.get(t, 0))[:TOP_PHRASES]) for cid, s in sets.items()}
    county = {r[0]: region_key(r[4]) for r in rows}
    by_phrase: dict[tuple[str, str], list[int]] = defaultdict(list)
    for cid, s in top.items():
        for t in s:
            by_phrase[(county[cid], t)].append(cid)
    uf = _Union()
    for members in by_phrase.values():
        if len(members) > MAX_SHARED:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if uf.find(a) != uf.find(b):
                    inter = len(top[a] & top[b])
                    if inter >= 2 and inter / len(top[a] | top[b]) >= LINK:
                        uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for cid in top:
        groups[uf.find(cid)].append(cid)
    info = {r[0]: r for r in rows}
    clusters = []
    for members in groups.values():
        if len(members) < MIN_CASES:
            continue
        common = Counter(t for cid in members for t in top[cid])
        clusters.append(Cluster(
            case_ids=sorted(members), headcount=sum(info[c][2] for c in members),
            phrases=sorted(common, key=lambda t: (-common[t], -weights.get(t, 0), t))[:3],
            regions=[n for n, _ in Counter(info[c][3] for c in members).most_common(3)],
        ))
    clusters.sort(key=lambda c: (len(c.case_ids), c.headcount), reverse=True)
    return clusters[:MAX_CLUSTERS]

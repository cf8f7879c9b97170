"""The procedure drawn from the transitions table: every status a node, every
status-changing transition a labelled arrow.

Nodes and edges come from `cases.workflow.TRANSITIONS` and the `Status`
choices, so a new row in the table shows up here unchanged. Only where the
boxes stand is written by hand (LAYOUT), because a readable picture of a legal
procedure is an editorial choice; a status missing from LAYOUT still appears,
on an extra row. Statuses that leave by exactly the same transitions (已转送 /
已交办; the three refusals) are drawn in one frame with one arrow per exit.
The geometry is computed here; the template only prints it (works without
JavaScript, prints, and scales on a phone)."""

import math
from dataclasses import dataclass, field
from functools import cache

from xinfang.cases.models import Status
from xinfang.cases.workflow import ENDED, FINAL, TRANSITIONS, Transition

S = Status
Point = tuple[float, float]
# (column, row) of each status box.
LAYOUT: dict[str, tuple[int, int]] = {
    S.REGISTERED: (1, 0), S.MERGED: (3, 0),
    S.FORWARDED: (0, 1), S.ASSIGNED: (0, 2),
    S.DECLINED: (3, 1), S.REFUSED_REPEAT: (3, 2), S.REDIRECTED: (3, 3),
    S.ACCEPTED: (1, 3), S.REPLY_PENDING: (1, 4), S.REPLIED: (1, 5), S.CLOSED: (3, 5),
    S.REVIEWING: (0, 6), S.REVIEWED: (0, 7), S.REEXAMINING: (0, 8), S.TERMINATED: (1, 9),
}
NODE_W, NODE_H = 124, 38
COL_GAP, ROW_GAP = 172, 80
MARGIN = 24
GROUP_PAD = 7
FONT = 13  # node text; edge labels are 12px
LABEL_H = 17


@dataclass
class Box:
    x: float  # left
    y: float  # top
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def contains(self, px: float, py: float, pad: float = 0) -> bool:
        return self.x - pad <= px <= self.x + self.w + pad and self.y - pad <= py <= self.y + self.h + pad

    def overlaps(self, other: "Box", pad: float = 0) -> bool:
        return not (self.x + self.w + pad <= other.x or other.x + other.w + pad <= self.x
                    or self.y + self.h + pad <= other.y or other.y + other.h + pad <= self.y)

    def edge_point(self, tx: float, ty: float, pad: float = 0) -> tuple[float, float]:
        """Where the ray from the centre towards (tx, ty) leaves the box."""
        dx, dy = tx - self.cx, ty - self.cy
        if dx == 0 and dy == 0:
            return self.cx, self.cy
        hw, hh = self.w / 2 + pad, self.h / 2 + pad
        scale = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
        return self.cx + dx * scale, self.cy + dy * scale


@dataclass
class Node:
    status: str
    label: str
    box: Box
    kind: str  # start | final | ended | step


@dataclass
class Edge:
    names: list[str]
    label: str
    source: str  # a status, or the first status of a group
    target: str
    path: str = ""
    label_box: Box | None = None
    kinds: list[str] = field(default_factory=list)
    title: str = ""
    sources: list[str] = field(default_factory=list)


@dataclass
class Chart:
    width: int
    height: int
    nodes: list[Node]
    groups: list[Box]
    edges: list[Edge]


def _moves(transitions: list[Transition]) -> list[tuple[str, str, Transition]]:
    """(from, to, transition) for every status-changing row, in table order."""
    out = []
    for t in transitions:
        if t.target is None:
            continue
        for src in sorted(t.sources, key=lambda s: list(S.values).index(s)):
            if src != t.target:
                out.append((src, t.target, t))
    return out


def _positions() -> dict[str, tuple[int, int]]:
    pos = dict(LAYOUT)
    last_row = max((r for _, r in pos.values()), default=-1)
    spare = [s for s in S.values if s not in pos]
    for i, status in enumerate(spare):  # a status the layout does not know yet
        pos[status] = (i % 4, last_row + 1 + i // 4)
    return pos


def _groups(moves, pos) -> list[list[str]]:
    """Statuses with identical exits, stacked in one column: drawn as one frame."""
    exits: dict[str, frozenset] = {}
    for src, dst, t in moves:
        exits[src] = exits.get(src, frozenset()) | {(t.name, dst)}
    by_exits: dict[frozenset, list[str]] = {}
    for status, ex in exits.items():
        by_exits.setdefault(ex, []).append(status)
    groups = []
    for members in by_exits.values():
        if len(members) < 2:
            continue
        cols = {pos[m][0] for m in members}
        rows = sorted(pos[m][1] for m in members)
        if len(cols) == 1 and rows == list(range(rows[0], rows[0] + len(rows))):
            groups.append(sorted(members, key=lambda m: pos[m][1]))
    return groups


def _bezier(p0: Point, c: Point, p1: Point, t: float) -> Point:
    u = 1 - t
    return (u * u * p0[0] + 2 * u * t * c[0] + t * t * p1[0], u * u * p0[1] + 2 * u * t * c[1] + t * t * p1[1])


def _route(src: Box, dst: Box, obstacles: list[Box], bend_first: float) -> tuple[Point, Point, Point, float]:
    """A straight or gently curved path between two boxes that crosses no other box."""
    best = None
    # The curve's midpoint moves half as far as its control point: bend 1.0 bows
    # a path sideways by half its length.
    for bend in (bend_first, -bend_first, 0.3, -0.3, 0.5, -0.5, 0.75, -0.75, 1.0, -1.0, 1.3, -1.3):
        (sx, sy), (tx, ty) = (src.cx, src.cy), (dst.cx, dst.cy)
        mx, my = (sx + tx) / 2, (sy + ty) / 2
        dx, dy = tx - sx, ty - sy
        c0 = (mx - dy * bend, my + dx * bend)
        p0 = src.edge_point(*c0, pad=1)
        p1 = dst.edge_point(*c0, pad=4)
        hits = sum(1 for i in range(1, 20) if any(o.contains(*_bezier(p0, c0, p1, i / 20), pad=6) for o in obstacles))
        if best is None or hits < best[0]:
            best = (hits, p0, c0, p1, bend)
        if hits == 0:
            break
    assert best is not None
    return best[1], best[2], best[3], best[4]


def _label_box(label: str, p0: Point, c: Point, p1: Point, taken: list[Box], side: int = 0) -> Box:
    """On the path where it is free; else beside it (short arrows between close
    rows). `side` (±1) puts it beside the path first: each of a pair of opposite
    arrows gets its label on its own side."""
    w = 12 * len(label) + 8
    length = math.hypot(p1[0] - p0[0], p1[1] - p0[1]) or 1
    nx, ny = -(p1[1] - p0[1]) / length, (p1[0] - p0[0]) / length  # unit normal
    aside = abs(nx) * (w / 2 + 4) + abs(ny) * (LABEL_H / 2 + 3)
    best = None
    for shift in ((side * aside, 0.0, -side * aside) if side else (0.0, aside, -aside)):
        for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74):
            x, y = _bezier(p0, c, p1, t)
            x, y = x + nx * shift, y + ny * shift
            box = Box(round(x - w / 2), round(y - LABEL_H / 2), w, LABEL_H)
            clashes = sum(1 for o in taken if box.overlaps(o, pad=2))
            if best is None or clashes < best[0]:
                best = (clashes, box)
            if clashes == 0:
                return box
    assert best is not None
    return best[1]


def _kind(status: str) -> str:
    if status == S.REGISTERED:
        return "start"
    if status in FINAL:
        return "final"
    if status in ENDED:
        return "ended"
    return "step"


@cache
def build_chart() -> Chart:
    """The chart, computed once per process (the table is code)."""
    pos = _positions()
    labels = dict(S.choices)
    boxes = {s: Box(MARGIN + c * COL_GAP, MARGIN + r * ROW_GAP, NODE_W, NODE_H) for s, (c, r) in pos.items()}
    nodes = [Node(s, labels[s], boxes[s], _kind(s)) for s in S.values]
    moves = _moves(TRANSITIONS)
    groups = _groups(moves, pos)
    frame_of: dict[str, Box] = {}
    frames = []
    for members in groups:
        first, last = boxes[members[0]], boxes[members[-1]]
        frame = Box(first.x - GROUP_PAD, first.y - GROUP_PAD, NODE_W + 2 * GROUP_PAD,
                    last.y + NODE_H - first.y + 2 * GROUP_PAD)
        frames.append(frame)
        for m in members:
            frame_of[m] = frame

    # One arrow per (transition, exit frame or box, target).
    edges: dict[tuple, Edge] = {}
    for src, dst, t in moves:
        key = (t.name, id(frame_of[src]) if src in frame_of else src, dst)
        edge = edges.get(key)
        if edge is None:
            edge = edges[key] = Edge(names=[t.name], label=t.label, source=src, target=dst)
            edge.kinds = [k for k, on in (("petitioner", t.petitioner), ("system", t.system),
                                          ("supervision", "supervisor" in t.relation)) if on]
            edge.title = "；".join(x for x in (f"{t.label}（{labels[dst]}）", t.article, t.doc) if x)
        edge.sources.append(src)

    pairs = {(frame_of.get(e.source, boxes[e.source]).cx, boxes[e.target].cx,
              frame_of.get(e.source, boxes[e.source]).cy, boxes[e.target].cy) for e in edges.values()}
    taken: list[Box] = [n.box for n in nodes]
    for edge in edges.values():
        src_box = frame_of.get(edge.source, boxes[edge.source])
        dst_box = boxes[edge.target]
        obstacles = [b for s, b in boxes.items() if s not in edge.sources and s != edge.target]
        # A pair of opposite arrows between the same boxes bows apart.
        reverse = (dst_box.cx, src_box.cx, dst_box.cy, src_box.cy) in pairs
        p0, c, p1, bend = _route(src_box, dst_box, obstacles, 0.18 if reverse else 0.0)
        edge.path = f"M{p0[0]:.1f},{p0[1]:.1f} Q{c[0]:.1f},{c[1]:.1f} {p1[0]:.1f},{p1[1]:.1f}"
        side = (1 if bend > 0 else -1) if reverse else 0
        edge.label_box = _label_box(edge.label, p0, c, p1, taken, side)
        taken.append(edge.label_box)

    cols = max(c for c, _ in pos.values()) + 1
    rows = max(r for _, r in pos.values()) + 1
    width = 2 * MARGIN + (cols - 1) * COL_GAP + NODE_W
    height = 2 * MARGIN + (rows - 1) * ROW_GAP + NODE_H
    return Chart(width=int(width), height=int(height), nodes=nodes, groups=frames, edges=list(edges.values()))


@dataclass(frozen=True)
class Step:
    label: str
    sources: list[str]
    target: str
    article: str
    doc: str
    who: str


def steps() -> list[Step]:
    """Every row of the table in words, for the list under the chart (and for
    phones): what the step is, from which states, to which, on what basis."""
    from xinfang.orgs.models import Role

    labels = dict(S.choices)
    role_labels = dict(Role.choices)
    out = []
    for t in TRANSITIONS:
        who = "、".join(role_labels[r] for r in sorted(t.roles))
        if t.petitioner:
            who = f"信访人（网上）或{who}"
        if t.system:
            who = f"{who}（期满由系统自动办理）"
        out.append(Step(
            label=t.label,
            sources=[labels[s] for s in S.values if s in t.sources],
            target=labels[t.target] if t.target else "状态不变",
            article=t.article, doc=t.doc, who=who,
        ))
    return out

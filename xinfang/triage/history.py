"""The system's own labelled history: registered cases and their second-level
categories, for training a model that speaks the system's full taxonomy."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from xinfang.cases.models import Case, Status

MAX_CASES = 60_000  # the most recent; more adds little and costs minutes of training
MIN_PER_CATEGORY = 20
MIN_CASES = 200


class NotEnoughHistory(Exception):
    pass


@dataclass
class History:
    titles: list[str]
    bodies: list[str]
    labels: list[str]
    dropped_categories: int


def labelled_history(limit: int = MAX_CASES) -> History:
    rows = list(
        Case.objects.exclude(status=Status.MERGED)
        .order_by("-registered_at", "-id")
        .values_list("title", "content", "category__code")[:limit]
    )
    counts = Counter(code for _t, _c, code in rows)
    kept = {code for code, n in counts.items() if n >= MIN_PER_CATEGORY}
    rows = [r for r in rows if r[2] in kept]
    if len(rows) < MIN_CASES or len(kept) < 2:
        raise NotEnoughHistory(
            f"系统历史数据不足：需要至少 {MIN_CASES} 件、两个以上分类（每类至少 {MIN_PER_CATEGORY} 件）"
            f"的已登记信访事项，现有可用 {len(rows)} 件、{len(kept)} 个分类。请使用 --csv 指定训练数据。"
        )
    return History([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], len(counts) - len(kept))

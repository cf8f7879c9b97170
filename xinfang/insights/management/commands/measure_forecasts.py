"""Backtest the weekly volume forecasts: per series, the chosen method's MAPE
beside the naive baseline's, on this system's cases (from the rollups) and on
weekly series derived from real messages' timestamps."""

import csv
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand
from django.db.models import Max

from xinfang.insights.forecast import METHOD_LABELS, forecast, held_out_mape
from xinfang.insights.models import VolumeWeek
from xinfang.insights.scope import Scope
from xinfang.insights.series import build_series

DEFAULT_FILES = [
    "/work/shared/data/citizen-messages/messages_with_likes.csv",
    "/work/shared/data/citizen-messages/messages_with_replies.csv",
]


def weekly_from_csv(path: str) -> tuple[list[date], np.ndarray]:
    """Messages per week (Monday-keyed), over the longest dense stretch: weeks
    before the first month with ≥ 8 messages are dropped (a few stray old posts),
    and so are trailing weeks where the collection stopped."""
    stamps = []
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        try:
            stamps.append(datetime.strptime(row["time"][:10], "%Y-%m-%d").date())
        except (KeyError, ValueError):
            continue
    months = Counter(d.strftime("%Y-%m") for d in stamps)
    dense = sorted(m for m, n in months.items() if n >= 8)
    if not dense:
        return [], np.zeros(0)
    first = datetime.strptime(dense[0] + "-01", "%Y-%m-%d").date()
    last_month = datetime.strptime(dense[-1] + "-01", "%Y-%m-%d").date()
    stamps = [d for d in stamps if first <= d < last_month + timedelta(days=28)]
    mondays = Counter(d - timedelta(days=d.weekday()) for d in stamps)
    start, end = min(mondays), max(mondays)
    weeks = [start + timedelta(weeks=i) for i in range((end - start).days // 7 + 1)]
    values = np.array([mondays.get(w, 0) for w in weeks], dtype=float)
    # The collection stopped part-way through the last week(s): drop trailing
    # weeks under half the median, they measure the scrape, not the citizens.
    cut = len(values)
    while cut > 1 and values[cut - 1] < 0.5 * np.median(values):
        cut -= 1
    return weeks[:cut], values[:cut]


class Command(BaseCommand):
    help = "度量信访量预测：各序列滚动回测MAPE（与朴素方法对照）"

    def add_arguments(self, parser):
        parser.add_argument("--files", nargs="*", default=DEFAULT_FILES, help="CSV files with a time column")
        parser.add_argument("--weeks", type=int, default=104, help="history length for system series")

    def report(self, label: str, values: np.ndarray) -> tuple[float, float, float | None] | None:
        fc = forecast(values, 8)
        if fc is None or fc.mape is None or fc.naive_mape is None:
            self.stdout.write(f"  {label:<16} too short ({len(values)} weeks)")
            return None
        others = " ".join(f"{k}={v}" for k, v in fc.backtests.items() if k not in (fc.method, "naive"))
        held = held_out_mape(values)
        held_text = f"held-out choice {held[0]} MAPE {held[1]}%" if held else "held-out: history too short"
        self.stdout.write(f"  {label:<16} weeks {len(values):>4}  mean/wk {values.mean():8.1f}  "
                          f"chosen {METHOD_LABELS.get(fc.method, fc.method):<10} MAPE {fc.mape:6.1f}%  "
                          f"naive MAPE {fc.naive_mape:6.1f}%  | {held_text}  ({others})")
        return fc.mape, fc.naive_mape, held[1] if held else None

    def summary(self, name: str, pairs: list[tuple[float, float, float | None]]) -> None:
        if pairs:
            chosen, naive = np.mean([p[0] for p in pairs]), np.mean([p[1] for p in pairs])
            held = [p[2] for p in pairs if p[2] is not None]
            held_text = f", held-out selection {np.mean(held):.1f}%" if held else ""
            self.stdout.write(f"  overall ({name}, {len(pairs)} series): mean MAPE {chosen:.1f}% "
                              f"vs naive {naive:.1f}%{held_text}")

    def handle(self, *args, files: list[str], weeks: int, **options):
        self.stdout.write("Backtest: rolling origin, last 12 origins, 1–4 weeks ahead; MAPE over weeks with cases.")
        last = VolumeWeek.objects.aggregate(m=Max("week"))["m"]
        if last is None:
            self.stdout.write("system: no rollups yet (run `manage.py backfill_insights`)")
        else:
            last -= timedelta(weeks=1)  # the newest week may still be filling
            self.stdout.write(f"system series (all regions), {weeks} weeks to {last}:")
            pairs = []
            for s in build_series(Scope(codes=("",), live=None), last, weeks):
                nz = np.flatnonzero(s.values)
                values = s.values[nz[0]:] if len(nz) else s.values
                got = self.report(f"{s.dimension}:{s.label}", values)
                if got:
                    pairs.append(got)
            self.summary("system", pairs)
        for path in files:
            if not Path(path).exists():
                self.stdout.write(f"{path}: not found, skipped")
                continue
            wk, values = weekly_from_csv(path)
            if not len(values):
                continue
            self.stdout.write(f"{Path(path).name}: weekly message counts {wk[0]} – {wk[-1]}")
            got = self.report("messages", values)
            self.summary(Path(path).name, [got] if got else [])

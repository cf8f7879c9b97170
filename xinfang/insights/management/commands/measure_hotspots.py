"""Hotspot phrases on real citizen messages: the top phrases per month, with
automatic checks that they are not stop words or fragments, and how many of
them also appear in that month's message titles (a title is the writer's own
summary, so a phrase found there is a topic, not noise)."""

import csv
import math
from collections import Counter, defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand

from xinfang.insights.phrases import case_phrases, stop_words
from xinfang.lib.text import index_text

DEFAULT = "/work/shared/data/citizen-messages/messages_with_likes.csv"


class Command(BaseCommand):
    help = "度量热点关键词：真实留言逐月热点词及质量检查"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=DEFAULT)
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--min-month", type=int, default=50, help="skip months with fewer messages")

    def handle(self, *args, file: str, top: int, min_month: int, **options):
        if not Path(file).exists():
            self.stdout.write(f"{file}: not found")
            return
        with open(file, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        per_month: dict[str, Counter] = defaultdict(Counter)
        titles: dict[str, list[str]] = defaultdict(list)
        df: Counter = Counter()
        for row in rows:
            month = row.get("time", "")[:7]
            phrases = case_phrases(index_text(row.get("title", ""), row.get("body", "")))
            df.update(phrases)
            per_month[month].update(phrases)
            titles[month].append(row.get("title", ""))
        n = len(rows)
        shown = stops = fragments = in_titles = 0
        months = sorted(per_month)
        for i, month in enumerate(months):
            if len(titles[month]) < min_month:
                continue
            counts = per_month[month]
            ranked = sorted((t for t, c in counts.items() if c >= 2),
                            key=lambda t: counts[t] * (math.log((n + 1) / (df[t] + 1)) + 1), reverse=True)[:top]
            for t in ranked:
                shown += 1
                stops += t in stop_words()
                fragments += len(t) < 2 or any(t != u and t in u for u in ranked)
                in_titles += sum(t in title for title in titles[month]) >= 2
            self.stdout.write(f"{month} ({len(titles[month])} msgs): " + " ".join(f"{t}({counts[t]})" for t in ranked))
            if i >= 2 and min(len(titles[months[i - 1]]), len(titles[months[i - 2]])) >= min_month:
                # Emerging: growth against the two months before, with the
                # same prior as the pages (one mention a week ≈ 4 a month).
                base = per_month[months[i - 1]] + per_month[months[i - 2]]
                growth = {t: (c + 4) / (base[t] / 2 + 4) - 1 for t, c in counts.items() if c >= 5}
                rising = sorted((t for t in growth if growth[t] >= 0.5), key=lambda t: -growth[t])[:6]
                self.stdout.write("    emerging: " + " ".join(f"{t}(+{growth[t]:.0%})" for t in rising))
        self.stdout.write(f"checks over {shown} phrases: stop words {stops}, fragments of another shown phrase "
                          f"{fragments}, found in ≥ 2 titles of their month {in_titles} ({in_titles / max(shown, 1):.0%})")

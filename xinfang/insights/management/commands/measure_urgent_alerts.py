"""Measure the urgent-content (扬言) rule: precision and recall on the
hand-labelled sample shipped with the app, then how often it fires on real
citizen messages, listing each hit so a person can judge it."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand

from xinfang.insights.urgent import SAMPLE_PATH as SAMPLE
from xinfang.insights.urgent import classify, scan

DEFAULT_MESSAGES = "/work/shared/data/citizen-messages/messages_with_likes.csv"


class Command(BaseCommand):
    help = "度量扬言预警规则：人工标注样本的查准率、查全率，及在真实留言上的触发情况"

    def add_arguments(self, parser):
        parser.add_argument("--messages", nargs="*", default=[DEFAULT_MESSAGES],
                            help="CSV files with title and body columns (real messages)")
        parser.add_argument("--show", type=int, default=40, help="how many hits to list per file")

    def handle(self, *args, messages: list[str], show: int, **options):
        tp = fp = fn = tn = 0
        for row in csv.DictReader(SAMPLE.open(encoding="utf-8")):
            fired, label = bool(scan(row["text"])), row["label"] == "1"
            tp += fired and label
            fp += fired and not label
            fn += label and not fired
            tn += not label and not fired
            if fired != label:
                self.stdout.write(f"  {'FP' if fired else 'FN'}: {row['text']}")
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        self.stdout.write(f"hand-labelled sample ({tp + fp + fn + tn} texts, {tp + fn} positive): "
                          f"precision {precision:.1%}, recall {recall:.1%} (tp {tp}, fp {fp}, fn {fn}, tn {tn})")
        for path in messages:
            if not Path(path).exists():
                self.stdout.write(f"{path}: not found, skipped")
                continue
            with open(path, encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            hits = []
            for row in rows:
                matches = scan(f"{row.get('title', '')}\n{row.get('body', '')}")
                verdict = classify(matches)
                if verdict:
                    hits.append((row.get("id", "?"), verdict, matches))
            by_kind: dict[str, int] = {}
            for _, (kind, _level), _m in hits:
                by_kind[kind] = by_kind.get(kind, 0) + 1
            self.stdout.write(f"{Path(path).name}: {len(hits)} of {len(rows)} messages fire "
                              f"({len(hits) / max(len(rows), 1):.1%}); by kind {by_kind}")
            for msg_id, (kind, level), matches in hits[:show]:
                m = matches[0]
                self.stdout.write(f"  #{msg_id} {kind}/{level} 「{m.word}」 {m.clause}")

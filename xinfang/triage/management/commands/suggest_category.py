"""Add suggested `category` and `confidence` columns to every row of a CSV."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.cases.taxonomy import CATEGORY_NAMES
from xinfang.triage import keywords, store
from xinfang.triage.csvio import CsvProblem, read_table
from xinfang.triage.features import normalise


class Command(BaseCommand):
    help = "为 CSV 的每一行建议内容分类：输出原有全部列，另加 category（分类）和 confidence（置信度）两列"

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, help="输入 CSV（需有 body 列，可选 title 列）")
        parser.add_argument("--out", required=True, help="输出 CSV")
        parser.add_argument("--model", help="模型文件（默认使用当前生效的模型）")

    def handle(self, *args, **opts):
        try:
            table = read_table(opts["csv"], ("body",))
        except CsvProblem as e:
            raise CommandError(str(e)) from None
        if Path(opts["out"]).resolve() == Path(opts["csv"]).resolve():
            raise CommandError("输出文件不能与输入文件相同")
        if opts["model"]:
            from xinfang.triage.model import CategoryModel

            try:
                model = CategoryModel.load(opts["model"])
            except (OSError, ValueError, KeyError) as e:
                raise CommandError(f"无法读取模型文件：{e}") from None
        else:
            model = store.get_model()
        if model is None:
            self.stdout.write("没有可用的分类模型，使用关键词规则建议分类")
        new_cols = [c for c in ("category", "confidence") if c not in table.fieldnames]
        rows = []
        for r in table.rows:
            title, body = r.get("title") or "", r.get("body") or ""
            label, conf = "", 0.0
            if model is not None:
                if normalise(title, body):
                    p = model.predict(title, body)
                    label, conf = p.label, p.confidence
            else:
                m = keywords.classify(normalise(title, body))
                if m:
                    label, conf = CATEGORY_NAMES[m.top], m.confidence
            rows.append({**r, "category": label, "confidence": f"{conf:.4f}" if label else ""})
        out = Path(opts["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=[*table.fieldnames, *new_cols], extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
        self.stdout.write(self.style.SUCCESS(f"已为 {len(rows)} 行建议分类，写入 {out}"))

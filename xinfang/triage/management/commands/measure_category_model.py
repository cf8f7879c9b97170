"""Measure the category classifier on held-out real citizen messages."""

import statistics
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.cases.taxonomy import CATEGORY_NAMES, TAXONOMY
from xinfang.triage import keywords, store
from xinfang.triage.categories import LOW_CONFIDENCE
from xinfang.triage.csvio import CsvProblem, read_labelled, read_table
from xinfang.triage.evaluation import SEED, TEST_SIZE, holdout, scores, split
from xinfang.triage.features import normalise
from xinfang.triage.model import CategoryModel
from xinfang.triage.reporting import print_scores
from xinfang.triage.shared_data import data_dir


class Command(BaseCommand):
    help = "在真实群众留言的留出集上评估内容分类模型（准确率、宏平均F1、各类F1、关键词规则对照、跨数据集检查、速度）"

    def add_arguments(self, parser):
        parser.add_argument("--data", help="共享数据目录（默认 ../shared/data/citizen-messages 或 TRIAGE_DATA_DIR）")
        parser.add_argument("--csv", help="另外用当前生效的模型直接评估这个带标注的 CSV（列 body、label，可选 title）")

    def handle(self, *args, **opts):
        if opts["csv"]:
            self._external(opts["csv"])
        folder = Path(opts["data"]) if opts["data"] else data_dir()
        if folder is None or not (folder / "train_messages.csv").is_file():
            if opts["csv"]:
                return
            raise CommandError("找不到共享数据 train_messages.csv，请用 --data 指定目录")
        self._holdout(folder / "train_messages.csv")
        self._cross_domain(folder)
        self._speed()

    def _external(self, path: str) -> None:
        model = store.get_model()
        if model is None:
            raise CommandError("没有可用的分类模型")
        try:
            d = read_labelled(path)
        except CsvProblem as e:
            raise CommandError(str(e)) from None
        pred = [model.predict(t, b).label for t, b in zip(d.titles, d.bodies, strict=True)]
        self.stdout.write(f"当前模型在 {Path(path).name} 上（{len(pred)} 条，未参与训练）：")
        print_scores(self.stdout, scores(d.labels, pred), per_class=True)

    def _holdout(self, path: Path) -> None:
        d = read_labelled(path)
        label_to_top = {name: code for code, name, _ in TAXONOMY if name in set(d.labels)}
        self.stdout.write(f"== 留出集评估：{path.name}，{len(d.labels)} 条，{len(set(d.labels))} 个分类；"
                          f"分层抽取 {TEST_SIZE:.0%} 为测试集（随机种子 {SEED}），其余训练 ==")
        t0 = time.perf_counter()
        r = holdout(d.titles, d.bodies, d.labels, with_keywords=True, label_to_top=label_to_top)
        self.stdout.write(f"模型（jieba 词 + 字一二元组 TF-IDF → 线性SVM，温度标定概率）："
                          f"训练 {r.n_train} 条，测试 {r.n_test} 条，用时 {time.perf_counter() - t0:.0f} 秒")
        print_scores(self.stdout, r.model, per_class=True)
        self.stdout.write("  置信度标定（置信度区间：平均置信度 / 实际准确率 / 条数）：")
        for lo, conf, acc, n in r.reliability:
            self.stdout.write(f"    ≥{lo:.1f}：{conf:.3f} / {acc:.3f} / {n}")
        if r.keyword:
            self.stdout.write(f"关键词规则（无模型时的兜底），同一测试集，命中关键词的比例 {r.keyword_coverage:.1%}：")
            print_scores(self.stdout, r.keyword)
        self._combined(r, d, label_to_top)

    def _combined(self, r, d, label_to_top) -> None:
        """What the registration form does: the model, but keywords when the model is
        unsure and they point to a category the model does not know."""
        model = r.held_model
        known = set(label_to_top.values())
        _, te = split(d.labels)
        truth, pred, switched = [], [], 0
        for i in te:
            p = model.predict(d.titles[i], d.bodies[i])
            label = p.label
            if p.confidence < LOW_CONFIDENCE:
                m = keywords.classify(normalise(d.titles[i], d.bodies[i]))
                if m and m.top not in known:
                    label, switched = CATEGORY_NAMES[m.top], switched + 1
            truth.append(d.labels[i])
            pred.append(label)
        self.stdout.write(f"登记页采用的组合策略（模型置信度 < {LOW_CONFIDENCE} 且关键词指向模型未学过的分类时改用关键词；"
                          f"本测试集改用 {switched} 条）：")
        print_scores(self.stdout, scores(truth, pred))

    def _cross_domain(self, folder: Path) -> None:
        model = store.get_model()
        if model is None:
            return
        self.stdout.write(f"== 跨数据集检查（当前生效模型 {store.active_model_path()}，无标注，仅看预测分布）==")
        for name, use_body in (("messages_with_likes.csv", False), ("messages_with_likes.csv", True),
                               ("fuzhou_requests.csv", True)):
            if not (folder / name).is_file():
                continue
            rows = read_table(folder / name, ("title", "body")).rows
            preds = [model.predict(r["title"], r["body"] if use_body else "") for r in rows]
            dist = Counter(p.label for p in preds)
            confident = sum(p.confidence >= 0.7 for p in preds) / len(preds)
            what = "标题+正文" if use_body else "仅标题"
            self.stdout.write(f"{name}（{what}，{len(rows)} 条）：置信度≥0.7 的占 {confident:.1%}；预测分布 " +
                              "，".join(f"{k} {v / len(preds):.0%}" for k, v in dist.most_common()))
            for r, p in list(zip(rows, preds, strict=True))[:: max(1, len(rows) // 6)][:6]:
                self.stdout.write(f"    {r['title'][:30]} → {p.label}（{p.confidence:.2f}）")

    def _speed(self) -> None:
        path = store.active_model_path()
        if path is None:
            return
        t0 = time.perf_counter()
        model = CategoryModel.load(path)
        load = time.perf_counter() - t0
        text = "小区物业不作为，楼道垃圾长期无人清理，电梯经常停运，业主多次反映无果，请相关部门督促整改。" * 3
        model.predict("", text)
        times = []
        for _ in range(200):
            t = time.perf_counter()
            model.predict("物业问题", text)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        self.stdout.write(f"== 速度 == 模型文件 {path.stat().st_size / 1024:.0f} KB，加载 {load * 1000:.0f} ms；"
                          f"单条预测（{len(text)} 字）中位数 {statistics.median(times):.2f} ms，p95 {times[189]:.2f} ms")

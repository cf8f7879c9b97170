"""Measure repeat detection and the template-reply rule, and print the figures.

一、Repeat detection with the production score (TF-IDF cosine × shared specific
details, see features.py), on two labelled sets, each split (stratified,
seeded) into a tuning half and a held-out half:
  1. real reposted complaints (messages_with_likes.csv), labelled as in
     supervision's measure_repeat_detection (same title/body by different users);
  2. demo-generator pairs (integrity.demo_pairs): retold matters and careless
     copies against other matters of the same scenario / category / anything.
The threshold maximising the mean F1 of both tuning halves is reported on both
held-out halves, beside each set's own best and the configured threshold.

二、Template replies (rule a) on messages_with_replies.csv: how many replies
have at least K near-identical replies from the same answering unit."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from xinfang.integrity import demo_pairs
from xinfang.integrity.conf import setting
from xinfang.integrity.detection import query_terms
from xinfang.integrity.features import DetailFrequencies
from xinfang.integrity.text_similarity import near_duplicates, term_set
from xinfang.integrity.vocabulary import Idf, Sample, cosine
from xinfang.lib.text import index_tokens
from xinfang.supervision.management.commands.measure_repeat_detection import (
    label_reposts,
    prf,
    read_messages,
    split_half,
)

DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "citizen-messages"
GRID = [round(0.05 * i, 2) for i in range(1, 20)]
_UNIT = re.compile(r"A\d*[市区县]")

Pair = tuple[int, int, bool]


class Scored:
    """Scores of pairs over one corpus, with and without the detail factor."""

    def __init__(self, texts: list[str], pairs: list[Pair], background: Sequence[str] = ()) -> None:
        toks = [index_tokens(t) for t in texts]
        sample = Sample(Idf(toks + [index_tokens(t) for t in background]),
                        DetailFrequencies(list(texts) + list(background)))
        vecs: dict[int, dict[str, float]] = {}
        dets: dict[int, set[str]] = {}
        for i in {x for a, b, _ in pairs for x in (a, b)}:
            vecs[i] = sample.idf.vector(toks[i])
            dets[i] = sample.details.specific(texts[i])
        self.full = {(a, b): sample.score(vecs[a], vecs[b], dets[a], dets[b]) for a, b, _ in pairs}
        # Would the full-text preselection find a (earlier) from b's rare terms?
        n_terms = setting("QUERY_TERMS")
        positives = [(a, b) for a, b, y in pairs if y]
        found = sum(bool(set(query_terms(toks[b], sample.idf, n_terms)) & set(toks[a])) for a, b in positives)
        self.preselect_recall = found / len(positives) if positives else 0.0
        self.plain = {(a, b): cosine(vecs[a], vecs[b]) for a, b, _ in pairs}

    def of(self, pairs: list[Pair], plain: bool = False) -> list[tuple[float, bool]]:
        table = self.plain if plain else self.full
        return [(table[(a, b)], y) for a, b, y in pairs]


def best(scored: list[tuple[float, bool]]) -> float:
    f1s = [(t, prf(scored, t)[2]) for t in GRID]
    top = max(f for _, f in f1s)
    tied = [t for t, f in f1s if f >= top - 1e-9]
    return tied[len(tied) // 2]


class Command(BaseCommand):
    help = "测量重复信访识别（真实转发留言与演示生成文本）和雷同答复规则，打印查准率、查全率。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20240606)
        parser.add_argument("--matters", type=int, default=150, help="生成文本的事项数（每项7对）")
        parser.add_argument("--background", type=int, default=2000, help="生成的背景文本数（用于 idf）")
        parser.add_argument("--data", default=str(DATA), help="citizen-messages 数据目录")

    def handle(self, *args, **opts):
        seed, data = opts["seed"], Path(opts["data"])
        t0 = time.monotonic()
        sets = []
        likes = data / "messages_with_likes.csv"
        if likes.is_file():
            rows = read_messages(likes)
            pairs, groups = label_reposts(rows, seed=seed, neg_ratio=10)
            texts = [f"{r.get('title', '')}\n{r.get('body', '')}" for r in rows]
            self.stdout.write(f"一、重复信访识别（评分 = TF-IDF 余弦 × 具体细节重合系数；随机种子 {seed}）")
            self.stdout.write(f"1. 真实转发留言 {likes.name}：{len(rows)} 条，{groups} 组转发；"
                              f"正例 {sum(p[2] for p in pairs)} 对，负例 {sum(not p[2] for p in pairs)} 对")
            sets.append(("真实转发留言", pairs, Scored(texts, pairs), None))
        else:
            self.stdout.write(f"一、未找到 {likes}，跳过真实留言")
        dpairs, dtexts = demo_pairs.labelled_pairs(seed, opts["matters"])
        kinds = {(a, b): k for a, b, _, k in dpairs}
        plain_pairs = [(a, b, y) for a, b, y, _ in dpairs]
        self.stdout.write(
            f"2. 演示生成文本：{opts['matters']} 个事项；正例为同一事项复述（同一人、同一细节，换种说法）和粗略抄改"
            f"（删句、调序、改数字）；负例为同场景同街道的其他事项、同类别同区县、其他类别；共 {len(dpairs)} 对，"
            f"idf 另用 {opts['background']} 篇生成文本")
        scored = Scored(dtexts, plain_pairs, demo_pairs.background(seed, opts["background"]))
        sets.append(("演示生成文本", plain_pairs, scored, kinds))

        halves = [(name, *split_half(pairs, seed), sc, kinds) for name, pairs, sc, kinds in sets]
        chosen = max(GRID, key=lambda t: sum(prf(sc.of(tune), t)[2] for _, tune, _, sc, _ in halves))
        configured = setting("SIMILARITY_THRESHOLD")
        self.stdout.write(f"两组调参集平均 F1 最高的阈值：{chosen:.2f}（当前配置 SIMILARITY_THRESHOLD = {configured:.2f}）")
        for name, tune, held, sc, kinds in halves:
            own = best(sc.of(tune))
            self.stdout.write(f"【{name}】调参集 {len(tune)} 对，留出集 {len(held)} 对")
            for label, t, plain in (("共同阈值", chosen, False), ("本组最佳阈值", own, False),
                                    ("当前配置阈值", configured, False),
                                    ("对照：仅余弦、本组最佳阈值", best(sc.of(tune, plain=True)), True)):
                p, r, f = prf(sc.of(held, plain), t)
                self.stdout.write(f"  留出集 {label} {t:.2f}：查准率 {p:.3f}  查全率 {r:.3f}  F1 {f:.3f}")
            if kinds:
                self._by_kind(held, sc, kinds, chosen)
            self.stdout.write(f"  全文索引预筛的召回（正例中能被稀有词预筛到的比例，全部正例）：{sc.preselect_recall:.3f}")
        self.stdout.write("阈值  " + "  ".join(f"{name}（留出集）查准率/查全率/F1" for name, *_ in halves))
        for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
            cells = ["{:.3f} / {:.3f} / {:.3f}".format(*prf(sc.of(held), t)) for _, _, held, sc, _ in halves]
            self.stdout.write(f"{t:.2f}  " + "    ".join(cells))
        self._template_replies(data / "messages_with_replies.csv")
        self.stdout.write(f"（用时 {time.monotonic() - t0:.0f} 秒）")

    def _by_kind(self, held, sc, kinds, threshold):
        hits: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for (a, b, _), (s, _) in zip(held, sc.of(held), strict=True):
            total[kinds[(a, b)]] += 1
            hits[kinds[(a, b)]] += s >= threshold
        names = {"retold": "正例·同一事项复述", "variant": "正例·粗略抄改", "same_scenario": "负例·同场景同街道",
                 "same_category": "负例·同类别同区县", "other_category": "负例·其他类别"}
        parts = [f"{names[k]} {hits[k]}/{total[k]}" for k in names if total[k]]
        self.stdout.write(f"  阈值 {threshold:.2f} 时判为重复的比例：" + "，".join(parts))

    def _template_replies(self, path: Path) -> None:
        self.stdout.write("")
        if not path.is_file():
            self.stdout.write(f"二、未找到 {path}，跳过雷同答复")
            return
        with open(path, encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if (r.get("reply") or "").strip()]
        by_unit: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            m = _UNIT.search(r["reply"])
            by_unit[m.group() if m else "（未注明）"].append(i)
        sets = [term_set(r["reply"]) for r in rows]
        self.stdout.write(f"二、雷同答复（规则 a）：{path.name} 共 {len(rows)} 条答复，按答复中首次出现的单位（A市、A3区…）"
                          f"分为 {len(by_unit)} 组，视为同一答复单位；比较前去掉引号内引用的留言标题")
        k_default, t_default = setting("TEMPLATE_REPLY_MIN_TWINS"), setting("TEMPLATE_REPLY_SIMILARITY")
        examples: list[tuple[int, list[tuple[int, float]]]] = []
        for t in (0.8, 0.85, 0.9, 0.95):
            for k in (3, 5):
                flagged = 0
                for ids in by_unit.values():
                    twins = near_duplicates([], threshold=t, enough=k, sets=[sets[i] for i in ids])
                    for local, tw in enumerate(twins):
                        if len(tw) >= k:
                            flagged += 1
                            shown = {x for e in examples for x in (e[0], *(j for j, _ in e[1]))}
                            if (t, k) == (t_default, k_default) and len(examples) < 4 and ids[local] not in shown:
                                examples.append((ids[local], [(ids[j], s) for j, s in tw]))
                mark = "（默认）" if (t, k) == (t_default, k_default) else ""
                self.stdout.write(f"  相似度≥{t:.2f} 且雷同≥{k}份：{flagged} 条（{flagged / len(rows):.1%}）{mark}")
        for i, example in examples:
            self.stdout.write(f"  例：第{i + 1}条（至少另有{len(example)}条雷同，最高 {example[0][1]:.2f}）："
                              f"{rows[i]['reply'][:90]}…")

"""Measure repeat-petition detection (issue 6 §6) on labelled pairs and print the figures.

Two evaluations:

1. Real messages (``messages_with_likes.csv``): rows whose normalised title or normalised
   body is identical are one complaint reposted; pairs inside such a group written by
   *different* users are the positives (pairs by the same user are left out of both
   classes). Negatives are random pairs of rows from different groups (10× the positives,
   seeded).
2. Demo generator (``xinfang.demo.texts.generate_text``, fixed seed): a positive is a text
   and its variant (sentences shuffled, one dropped, numbers changed); negatives are two
   independent texts of the same category in the same district, or of different categories.

Each set is split (stratified, seeded) into a tuning half and a held-out half; the
threshold maximising F1 on the tuning half is reported on the held-out half.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from xinfang.supervision.repeats import DEFAULT_THRESHOLD, TfidfVectorizer, cosine, tokens

DEFAULT_CSV = (
    Path(settings.BASE_DIR).parent / "shared" / "data" / "citizen-messages" / "messages_with_likes.csv"
)
THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]
TABLE_THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8]

_NON_WORD = re.compile(r"[\W_]+")
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
_DIGITS = re.compile(r"\d+")
_COUNTY = re.compile(r"[A-Z]\d+[区县市]")
_CITY = re.compile(r"[A-Z]市")

Pair = tuple[int, int, bool]  # (index a, index b, is repeat)


def _norm(text: str) -> str:
    return _NON_WORD.sub("", text or "").lower()


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def read_messages(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh)]


def label_reposts(rows: list[dict[str, str]], *, seed: int, neg_ratio: int) -> tuple[list[Pair], int]:
    """Positive pairs (same title or same body, different users) and random negatives.
    Returns the pairs and the number of repost groups."""
    uf = _UnionFind(len(rows))
    for field in ("title", "body"):
        first: dict[str, int] = {}
        for i, row in enumerate(rows):
            key = _norm(row.get(field, ""))
            if len(key) < 8:  # too short to mean "the same complaint"
                continue
            if key in first:
                uf.union(i, first[key])
            else:
                first[key] = i
    # Near-identical bodies (a character or a phrase edited): blocked by the first or
    # last 12 characters, then compared character by character (independent of the
    # word-level TF-IDF being measured).
    bodies = [_norm(row.get("body", "")) for row in rows]
    for part in (slice(0, 12), slice(-12, None)):
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, body in enumerate(bodies):
            if len(body) >= 30:
                blocks[body[part]].append(i)
        for ids in blocks.values():
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    a, b = ids[x], ids[y]
                    if uf.find(a) != uf.find(b) and _near_identical(bodies[a], bodies[b]):
                        uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        groups[uf.find(i)].append(i)
    repost_groups = [g for g in groups.values() if len(g) > 1]
    positives: list[Pair] = []
    for g in repost_groups:
        for x in range(len(g)):
            for y in range(x + 1, len(g)):
                a, b = g[x], g[y]
                if rows[a].get("user") != rows[b].get("user"):
                    positives.append((a, b, True))
    rng = random.Random(seed)
    by_region: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_region[_region_of(row)].append(i)
    regional = [ids for ids in by_region.values() if len(ids) > 1]
    negatives: list[Pair] = []
    seen: set[tuple[int, int]] = set()
    want = neg_ratio * len(positives)
    attempts = 0
    while len(negatives) < want and len(rows) > 1 and attempts < 50 * want:
        attempts += 1
        # Half the negatives come from the same county (harder), half from anywhere.
        pool = rng.choice(regional) if regional and len(negatives) % 2 else range(len(rows))
        a, b = rng.sample(pool, 2)
        pair_key = (min(a, b), max(a, b))
        same_user = rows[a].get("user") and rows[a].get("user") == rows[b].get("user")
        if uf.find(a) == uf.find(b) or pair_key in seen or same_user:
            continue
        seen.add(pair_key)
        negatives.append((a, b, False))
    return positives + negatives, len(repost_groups)


def _near_identical(a: str, b: str) -> bool:
    if min(len(a), len(b)) < 0.8 * max(len(a), len(b)):
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8


def _region_of(row: dict[str, str]) -> str:
    """The anonymised county (A3区, A7县 …) the message names first, else its city (A市)."""
    text = f"{row.get('title', '')} {row.get('body', '')}"
    m = _COUNTY.search(text) or _CITY.search(text)
    return m.group() if m else ""


def split_half(pairs: list[Pair], seed: int) -> tuple[list[Pair], list[Pair]]:
    """Stratified seeded split into a tuning half and a held-out half."""
    rng = random.Random(seed)
    tune: list[Pair] = []
    held: list[Pair] = []
    for label in (True, False):
        part = [p for p in pairs if p[2] is label]
        rng.shuffle(part)
        half = len(part) // 2
        tune += part[:half]
        held += part[half:]
    return tune, held


def scores_for(pairs: list[Pair], texts: list[str]) -> list[tuple[float, bool]]:
    toks = [tokens(t) for t in texts]
    vec = TfidfVectorizer().fit(toks)
    vectors: dict[int, dict[str, float]] = {}

    def v(i: int) -> dict[str, float]:
        if i not in vectors:
            vectors[i] = vec.transform_tokens(toks[i])
        return vectors[i]

    return [(cosine(v(a), v(b)), label) for a, b, label in pairs]


def prf(scored: list[tuple[float, bool]], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in scored if y and s >= threshold)
    fp = sum(1 for s, y in scored if not y and s >= threshold)
    fn = sum(1 for s, y in scored if y and s < threshold)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def best_threshold(scored: list[tuple[float, bool]]) -> float:
    """Threshold with the best F1; among ties the middle one (robust to the grid)."""
    f1s = [(t, prf(scored, t)[2]) for t in THRESHOLDS]
    top = max(f for _, f in f1s)
    tied = [t for t, f in f1s if f >= top - 1e-9]
    return tied[len(tied) // 2]


# --- demo-generator pairs ------------------------------------------------------------


def _variant(rng: random.Random, title: str, content: str) -> str:
    sentences = [s for s in _SENTENCE.findall(content) if s.strip()]
    if len(sentences) > 2:
        sentences.pop(rng.randrange(len(sentences)))
    if len(sentences) > 1:
        i = rng.randrange(len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    if len(sentences) > 3:
        rng.shuffle(sentences)
    changed = _DIGITS.sub(lambda m: str(rng.randint(1, 10 ** len(m.group()))), "".join(sentences))
    new_title = _DIGITS.sub(lambda m: str(rng.randint(1, 99)), title)
    return f"{new_title}\n{changed}"


def demo_pairs(seed: int, n_pos: int) -> tuple[list[Pair], list[str], set[tuple[int, int]]]:
    """Pairs, texts, and the (a, b) of the same-category same-district negatives."""
    from xinfang.demo.texts import generate_text, random_category, random_place

    rng = random.Random(seed)
    texts: list[str] = []
    pairs: list[Pair] = []
    same_category: set[tuple[int, int]] = set()

    def add(text: str) -> int:
        texts.append(text)
        return len(texts) - 1

    for _ in range(n_pos):
        code, place = random_category(rng), random_place(rng)
        t = generate_text(rng, code, place, urgent=False)
        a = add(f"{t.title}\n{t.content}")
        b = add(_variant(rng, t.title, t.content))
        pairs.append((a, b, True))
        # Same category, same district, another petitioner's text: a hard negative.
        for _k in range(2):
            u = generate_text(rng, code, place, urgent=False)
            b = add(f"{u.title}\n{u.content}")
            pairs.append((a, b, False))
            same_category.add((a, b))
        # Different category anywhere.
        for _k in range(3):
            other = random_category(rng)
            while other == code:
                other = random_category(rng)
            u = generate_text(rng, other, random_place(rng), urgent=False)
            pairs.append((a, add(f"{u.title}\n{u.content}"), False))
    return pairs, texts, same_category


class Command(BaseCommand):
    help = "测量重复信访识别（文本相似度）的查准率 / 查全率，并给出建议阈值。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--csv", default=str(DEFAULT_CSV), help="带转发重复的留言 CSV（id,title,body,…,user）"
        )
        parser.add_argument("--seed", type=int, default=20240606)
        parser.add_argument("--neg-ratio", type=int, default=10, help="负例对数 = 正例对数 × 此值")
        parser.add_argument("--demo-pairs", type=int, default=150, help="生成文本的正例对数")

    def handle(self, *args, **opts):
        seed = opts["seed"]
        path = Path(opts["csv"])
        self.stdout.write(f"当前默认阈值 DEFAULT_THRESHOLD = {DEFAULT_THRESHOLD:.2f}")
        if path.is_file():
            rows = read_messages(path)
            pairs, n_groups = label_reposts(rows, seed=seed, neg_ratio=opts["neg_ratio"])
            n_pos = sum(1 for p in pairs if p[2])
            self.stdout.write("")
            self.stdout.write(f"一、真实留言：{path}（{len(rows)} 条）")
            self.stdout.write(
                "标注方法：标题或正文（去掉空白和标点后）完全相同、或正文逐字比对相似度 ≥ 0.8 的留言视为同一诉求被转发，"
                f"共 {n_groups} 组；组内不同用户的两两组合为正例（{n_pos} 对；同一用户的重复由盲索引识别，既不作正例也不作负例）；"
                f"负例为不同组的随机留言对（{len(pairs) - n_pos} 对，一半取自同一区县，随机种子 {seed}）。"
                "注意：不同组之间仍可能有未标出的同一诉求（如同一小区的多条投诉），负例的标签并非绝对可靠。"
            )
            if n_pos:
                texts = [f"{r.get('title', '')}\n{r.get('body', '')}" for r in rows]
                self._evaluate(pairs, texts, seed)
            else:
                self.stdout.write("未找到转发重复的留言，无法评估。")
        else:
            self.stdout.write("")
            self.stdout.write(f"一、真实留言：未找到文件 {path}，跳过真实留言评估，仅评估生成文本。")

        pairs, texts, same_category = demo_pairs(seed, opts["demo_pairs"])
        n_pos = sum(1 for p in pairs if p[2])
        self.stdout.write("")
        self.stdout.write(f"二、演示生成文本（随机种子 {seed}）")
        self.stdout.write(
            f"标注方法：正例为同一文本与其改写（调换并删去一句、改动数字）共 {n_pos} 对；"
            f"负例为同类别同区县的另一件信访，以及不同类别的信访，共 {len(pairs) - n_pos} 对。"
        )
        self._evaluate(pairs, texts, seed, negative_kinds={"同类别同区县": same_category})

    def _evaluate(
        self,
        pairs: list[Pair],
        texts: list[str],
        seed: int,
        negative_kinds: dict[str, set[tuple[int, int]]] | None = None,
    ) -> None:
        tune, held = split_half(pairs, seed)
        tune_scored = scores_for(tune, texts)
        held_scored = scores_for(held, texts)
        chosen = best_threshold(tune_scored)
        p, r, f = prf(held_scored, chosen)
        self.stdout.write(
            f"调参集 {len(tune)} 对 / 留出集 {len(held)} 对；调参集上 F1 最高的阈值：{chosen:.2f}"
        )
        self.stdout.write(f"留出集（阈值 {chosen:.2f}）：查准率 {p:.3f}  查全率 {r:.3f}  F1 {f:.3f}")
        if abs(chosen - DEFAULT_THRESHOLD) > 1e-9:
            p, r, f = prf(held_scored, DEFAULT_THRESHOLD)
            self.stdout.write(
                f"留出集（默认阈值 {DEFAULT_THRESHOLD:.2f}）：查准率 {p:.3f}  查全率 {r:.3f}  F1 {f:.3f}"
            )
        for name, members in (negative_kinds or {}).items():
            for t in sorted({chosen, DEFAULT_THRESHOLD}):
                inside = [
                    s
                    for (a, b, y), (s, _) in zip(held, held_scored, strict=True)
                    if not y and (a, b) in members
                ]
                outside = [
                    s
                    for (a, b, y), (s, _) in zip(held, held_scored, strict=True)
                    if not y and (a, b) not in members
                ]
                self.stdout.write(
                    f"阈值 {t:.2f} 的误报率：{name}负例 {_rate(inside, t)}，其他负例 {_rate(outside, t)}"
                )
        self.stdout.write("阈值    查准率  查全率  F1（留出集）")
        for t in TABLE_THRESHOLDS:
            p, r, f = prf(held_scored, t)
            self.stdout.write(f"{t:.2f}    {p:.3f}   {r:.3f}   {f:.3f}")


def _rate(scores: list[float], threshold: float) -> str:
    if not scores:
        return "—"
    hits = sum(1 for x in scores if x >= threshold)
    return f"{hits}/{len(scores)}（{hits / len(scores):.1%}）"

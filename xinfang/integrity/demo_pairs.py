"""Labelled pairs built with the demo text generator, for measuring repeat
detection where the real data cannot say it: how often two *different*
matters of the same kind, in the same place, look alike.

- positive "retold": the same matter written again by the same petitioner —
  the same scenario, story, names, places, amounts and dates (the generator's
  context is copied), told in another register with other sentences.
- positive "variant": a text with sentences reordered, one dropped and the
  numbers changed (a careless copy).
- negative "same scenario": the same scenario in the same street, a different
  matter (fresh names, places, amounts) — the hardest case.
- negative "same category": the same category in the same district.
- negative "other category": anything else.

Uses the generator's composition functions directly so the demo app needs no
change; the texts are exactly what it would write."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from xinfang.demo import texts as T
from xinfang.demo.scenarios_base import Ctx

_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")
_DIGITS = re.compile(r"\d+")


@dataclass
class Told:
    title: str
    content: str
    demands: str

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.content}\n{self.demands}"


def _compose(rng: random.Random, sc, place, group: bool, values: dict | None, story: int | None) -> tuple[Told, Ctx]:
    ctx = Ctx(rng, place, group, sc.vars)
    if values:
        ctx.update(values)
    first = sc.facts[0][1:] if sc.facts[0][0] == "?" else sc.facts[0]
    ctx.n_story = len(first)
    ctx.story = rng.randrange(len(first)) if story is None else story
    register = T._register(rng, sc.purpose)
    demands = T._demands(ctx, sc)
    content = T._compose_content(ctx, sc, register, False, demands)
    title = T._title(ctx, sc, False)
    return Told(title, content, demands), ctx


def matter(rng: random.Random, code: str, place) -> tuple[Told, tuple]:
    """A new matter and what it takes to tell it again."""
    sc = T._choose_scenario(rng, code, False)
    group = rng.random() < sc.group
    told, ctx = _compose(rng, sc, place, group, None, None)
    return told, (sc, place, group, dict(ctx), ctx.story)


def retold(rng: random.Random, seed: tuple) -> Told:
    sc, place, group, values, story = seed
    return _compose(rng, sc, place, group, values, story)[0]


def other_matter_same_scenario(rng: random.Random, seed: tuple) -> Told:
    sc, place, group, _values, _story = seed
    return _compose(rng, sc, place, group, None, None)[0]


def variant(rng: random.Random, told: Told) -> Told:
    sentences = [s for s in _SENTENCE.findall(told.content) if s.strip()]
    if len(sentences) > 2:
        sentences.pop(rng.randrange(len(sentences)))
    if len(sentences) > 1:
        i = rng.randrange(len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    content = _DIGITS.sub(lambda m: str(rng.randint(1, 10 ** len(m.group()))), "".join(sentences))
    return Told(_DIGITS.sub(lambda m: str(rng.randint(1, 99)), told.title), content, told.demands)


KINDS_POS = ("retold", "variant")
KINDS_NEG = ("same_scenario", "same_category", "other_category")


def labelled_pairs(seed: int, n_matters: int) -> tuple[list[tuple[int, int, bool, str]], list[str]]:
    """Pairs (a, b, is_repeat, kind) over the returned texts; per matter one
    retold and one variant positive, two same-scenario, one same-category and
    two other-category negatives."""
    rng = random.Random(seed)
    texts: list[str] = []
    pairs: list[tuple[int, int, bool, str]] = []

    def add(t: Told) -> int:
        texts.append(t.text)
        return len(texts) - 1

    for _ in range(n_matters):
        code, place = T.random_category(rng), T.random_place(rng)
        told, seed_ = matter(rng, code, place)
        a = add(told)
        pairs.append((a, add(retold(rng, seed_)), True, "retold"))
        pairs.append((a, add(variant(rng, told)), True, "variant"))
        for _k in range(2):
            pairs.append((a, add(other_matter_same_scenario(rng, seed_)), False, "same_scenario"))
        u = T.generate_text(rng, code, place, urgent=False)
        pairs.append((a, add(Told(u.title, u.content, u.demands)), False, "same_category"))
        for _k in range(2):
            other = T.random_category(rng)
            while other == code:
                other = T.random_category(rng)
            u = T.generate_text(rng, other, T.random_place(rng), urgent=False)
            pairs.append((a, add(Told(u.title, u.content, u.demands)), False, "other_category"))
    return pairs, texts


def background(seed: int, n: int) -> list[str]:
    """Independent texts standing in for the recent cases the idf is learnt from."""
    rng = random.Random(f"{seed}:background")
    out = []
    for _ in range(n):
        t = T.generate_text(rng, T.random_category(rng), T.random_place(rng), urgent=False)
        out.append(f"{t.title}\n{t.content}\n{t.demands}")
    return out

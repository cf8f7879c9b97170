"""Key phrases of one case, for hotspot counting.

We read the case's `search_text` (jieba search-mode tokens, already computed at
registration with the petition user dictionary of `xinfang.lib.text`) instead
of segmenting again: re-cutting a million texts with part-of-speech tagging
takes hours on this machine, splitting a stored string takes minutes. From the
tokens we keep the *maximal* ones (search mode also emits the parts of a long
word: 物业 管理 物业管理 → 物业管理), then only noun-like words by jieba's
dictionary tags or our own domain dictionary, minus the stop words.

Words jieba does not know (found by its HMM) are kept only when they end like
a place or an organisation (…村, …小区, …公司): unknown two- and three-character
words are mostly people's names, and a hotspot list must never show a name.
"""

import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba

DATA = Path(__file__).parent / "data"
# Noun-like jieba tags: nouns, proper nouns, organisations, places, verbal and
# adjectival nouns, abbreviations. Idioms and fixed expressions (i, l) are
# left out: in petitions they are mostly rhetoric (一拖再拖, 走投无路); the
# few that name a problem (安全隐患, 臭气熏天) are in the domain dictionary.
KEEP_TAGS = frozenset(["n", "nz", "nt", "ns", "nw", "vn", "nl", "ng", "an", "j"])
PLACE_SUFFIXES = ("村", "社区", "小区", "公司", "街道", "镇", "路", "街", "园", "苑", "府", "城", "厂",
                  "医院", "学校", "中学", "小学", "广场", "大道", "花园", "湾", "庄", "河", "桥", "局", "站")
LEADING_FUNCTION_CHARS = frozenset("去对从到在向往列把被给和与跟由经沿至于是有为让将")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_lock = threading.Lock()


def _read_words(name: str) -> list[str]:
    words = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        words.extend(line.split())
    return words


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(_read_words("stopwords.txt"))


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    lines = (DATA / "userdict.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _tags() -> dict[str, str]:
    """jieba's dictionary word → part-of-speech tag, read once (a dict lookup
    per token instead of tagging the text)."""
    with _lock:
        tags: dict[str, str] = {}
        with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 3:
                    tags[parts[0]] = parts[2]
        return tags


def shown(term: str) -> bool:
    """Whether a counted phrase may be shown: re-checked when reading, so
    editing the stop words or the tags takes effect without recounting."""
    return is_phrase(term)


def is_phrase(token: str) -> bool:
    if len(token) < 2 or len(token) > 12 or not _CJK.match(token) or token in stop_words():
        return False
    if token in domain_words():
        return True
    tag = _tags().get(token)
    if tag is None:
        # HMM-found words glue a preposition to a name now and then (去锡兴路).
        return len(token) >= 3 and token.endswith(PLACE_SUFFIXES) and token[0] not in LEADING_FUNCTION_CHARS
    return tag in KEEP_TAGS


def maximal(tokens: list[str]) -> list[str]:
    """Drop tokens that are part of a longer token of the same text."""
    parts: set[str] = set()
    for u in tokens:
        n = len(u)
        if n > 2:
            parts.update(u[i:j] for i in range(n) for j in range(i + 2, n + 1) if j - i < n)
    return [t for t in tokens if t not in parts]


def case_phrases(search_text: str, exclude: tuple[str, ...] = ()) -> set[str]:
    """The distinct key phrases of one case. `exclude` holds the petitioners'
    names: nothing that is part of one may become a phrase."""
    tokens = maximal(list(dict.fromkeys((search_text or "").split())))
    found = {t for t in tokens if is_phrase(t)}
    if exclude:
        found = {t for t in found if not any(t in name or name in t for name in exclude if len(name) >= 2)}
    return found

"""Chinese text: jieba segmentation with a petition-domain user dictionary.

The full-text index stores search-mode tokens (words plus their shorter parts:
物业管理 → 物业 管理 物业管理), and queries are cut in precise mode, so a query
word is found whether the document used it alone or inside a longer word."""

import re
import threading
from pathlib import Path

import jieba

_USERDICT = Path(__file__).parent / "data" / "userdict.txt"
_lock = threading.Lock()
_ready = False

# Keep CJK runs, latin words and numbers; everything else separates tokens.
_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+", re.IGNORECASE)
_STOP = frozenset(["的", "了", "是", "在", "和", "与", "及", "或", "也", "都", "就", "我", "我们", "你", "他", "她", "它", "这", "那", "有", "没有", "被", "把", "对", "从", "向", "给", "为", "请", "啊", "吗", "呢", "吧"])


def _ensure_ready() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.setLogLevel(60)
            jieba.load_userdict(str(_USERDICT))
            _ready = True


def _clean(tokens) -> list[str]:
    out = []
    for tok in tokens:
        for part in _TOKEN.findall(tok.lower()):
            if part not in _STOP:
                out.append(part)
    return out


def index_tokens(text: str) -> list[str]:
    """Tokens to index a document by (search mode, de-duplicated, order kept)."""
    _ensure_ready()
    seen: dict[str, None] = {}
    for tok in _clean(jieba.cut_for_search(text or "")):
        seen.setdefault(tok, None)
    return list(seen)


def index_text(*parts: str) -> str:
    return " ".join(index_tokens(" ".join(p for p in parts if p)))


def query_tokens(query: str) -> list[str]:
    """Tokens a search must all match (precise mode; at most 12, longest kept)."""
    _ensure_ready()
    toks: dict[str, None] = {}
    for tok in _clean(jieba.cut(query or "")):
        toks.setdefault(tok, None)
    result = list(toks)
    if len(result) > 12:
        result = sorted(result, key=len, reverse=True)[:12]
    return result

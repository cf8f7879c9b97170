"""Category suggestion for a new case: the model, the keyword fallback, and
the mapping from a model label to a category of the system's own taxonomy.

Label → system category (documented in the README of this app):
* a label equal to a category code (`CXJS.01`) — models trained on the
  system's own history use codes — is that category;
* a label equal to a top-level name (`城乡建设`) — the shipped model's 7 labels
  are the 一级分类 of the 问政 message data, which are exactly 7 of our 16
  top-level names — is that top-level category, and its second-level child is
  picked by the child keywords found in the text (the registration form needs
  a second-level category);
* a `一级 › 二级` path is that child.
A label matching nothing is dropped (the model is then treated as absent).

The contest's top levels are a little wider than ours: its 商贸旅游 includes
市场监管 and 质监 (our 经济管理 › 消费维权 / 产品质量 / 价格监管 / 特种设备 /
企业登记与广告), its 卫生计生 includes 食品药品监管 (our 食品安全), and its
劳动和社会保障 includes 工资福利 of public employees (our 组织人事 › 工资福利).
`LABEL_EXTRA_CHILDREN` lists those, so the child picked by keywords may sit
under another of our top levels."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from xinfang.cases.models import Category

from . import keywords, store
from .features import normalise

# Below this calibrated probability the model is "unsure": if the keywords then
# point to a top-level category the model was never trained on (e.g. 民政 for
# a 低保 letter), the keywords are trusted instead.
LOW_CONFIDENCE = 0.5
MIN_TEXT = 4  # characters; shorter input gets no suggestion
_TABLE_TTL = 60.0

LABEL_EXTRA_CHILDREN: dict[str, list[str]] = {
    "商贸旅游": ["JJGL.01", "JJGL.03", "JJGL.04", "JJGL.05", "JJGL.08"],
    "卫生计生": ["JJGL.02"],
    "劳动和社会保障": ["ZZRS.04"],
}

_table_cache: tuple[float, dict[str, list[str]], dict[str, Category]] | None = None


@dataclass
class CategorySuggestion:
    top: Category
    category: Category | None  # second-level, what the form can preselect
    confidence: float
    source: str  # "model" | "keywords"
    words: list[str] = field(default_factory=list)  # keywords behind the choice (shown as "why")
    label: str = ""  # the raw label (model or keyword top code)

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


def _categories() -> tuple[dict[str, list[str]], dict[str, Category]]:
    """Keyword table from the (admin-editable) categories, plus the generic
    top-level words; and all categories by code. Cached for a minute."""
    global _table_cache
    now = time.monotonic()
    if _table_cache and now - _table_cache[0] < _TABLE_TTL:
        return _table_cache[1], _table_cache[2]
    cats = {c.code: c for c in Category.objects.select_related("parent")}
    table = {c.code: c.keywords.split() for c in cats.values() if c.parent_id and c.keywords.strip()}
    table.update({code: words for code, words in keywords.TOP_LEVEL_KEYWORDS.items() if code in cats})
    _table_cache = (now, table, cats)
    return table, cats


def clear_cache() -> None:
    global _table_cache
    _table_cache = None


def resolve_label(label: str, cats: dict[str, Category]) -> Category | None:
    if label in cats:
        return cats[label]
    if "›" in label:
        top_name, _, sub_name = (p.strip() for p in label.partition("›"))
        return next((c for c in cats.values() if c.parent and c.parent.name == top_name and c.name == sub_name), None)
    return next((c for c in cats.values() if c.parent_id is None and c.name == label), None)


def suggest_category(title: str, content: str) -> CategorySuggestion | None:
    text = normalise(title, content)
    if len(text) < MIN_TEXT:
        return None
    table, cats = _categories()
    model = store.get_model()
    chosen: CategorySuggestion | None = None
    if model is not None:
        pred = model.predict(title, content)
        cat = resolve_label(pred.label, cats)
        if cat is not None:
            top = cat.parent or cat
            chosen = CategorySuggestion(top, cat if cat.parent_id else None, pred.confidence, "model",
                                        label=pred.label)
    if chosen is None or chosen.confidence < LOW_CONFIDENCE:
        match = keywords.classify(text, table)
        if match and match.top in cats:
            known = {c.parent.code if c.parent else c.code
                     for c in (resolve_label(k, cats) for k in (model.classes if model else [])) if c}
            if chosen is None or match.top not in known:
                sub = cats.get(match.code) if match.code != match.top else None
                chosen = CategorySuggestion(cats[match.top], sub, match.confidence, "keywords", match.words,
                                            label=match.top)
    if chosen is not None and chosen.category is None:
        candidates = [c.code for c in cats.values() if c.parent_id == chosen.top.pk]
        if chosen.source == "model":
            candidates += [c for c in LABEL_EXTRA_CHILDREN.get(chosen.label, []) if c in cats]
        child = keywords.best_of(text, candidates, table)
        if child:
            chosen.category = cats[child[0]]
            chosen.top = chosen.category.parent or chosen.top
            chosen.words = chosen.words or child[1]
    return chosen

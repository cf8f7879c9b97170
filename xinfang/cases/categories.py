"""Seeding the content taxonomy from `taxonomy.py`, and the second level as
the public forms read it."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS

from xinfang.lib.memo import Memo, clear_on_change

if TYPE_CHECKING:
    from .models import Category


def load_categories(Category) -> int:
    """Create missing categories; never overwrite what staff edited. Idempotent."""
    from .taxonomy import CATEGORY_KEYWORDS, TAXONOMY

    existing = set(Category.objects.values_list("code", flat=True))
    created = 0
    for code, name, children in TAXONOMY:
        if code not in existing:
            Category.objects.create(code=code, name=name)
            created += 1
        parent = Category.objects.get(code=code)
        for child_code, child_name in children:
            if child_code not in existing:
                Category.objects.create(
                    code=child_code,
                    name=child_name,
                    parent=parent,
                    keywords=" ".join(CATEGORY_KEYWORDS.get(child_code, [])),
                )
                created += 1
    return created


# --- the second level, as forms read it on every request ----------------------

CHILD_FIELDS = ("pk", "code", "name", "parent__pk", "keywords")
PARENT_FIELDS = ("parent__code", "parent__name", "parent__parent_id", "parent__keywords")


@dataclass(frozen=True, eq=False)
class SecondLevel:
    """Every second-level category with its parent: one query per TTL (see
    xinfang.lib.memo). A new table object after each reload, so pages built
    from it can tell by identity whether they are still current."""

    rows: tuple[tuple, ...]  # CHILD_FIELDS + PARENT_FIELDS, in the database's order
    by_pk: dict[int, tuple]


def _load() -> SecondLevel:
    from .models import Category

    rows = tuple(Category.objects.filter(parent__isnull=False).values_list(*CHILD_FIELDS, *PARENT_FIELDS))
    return SecondLevel(rows=rows, by_pk={r[0]: r for r in rows})


_second_level: Memo[SecondLevel] = Memo(_load, ttl=60.0)


def second_level() -> SecondLevel:
    return _second_level.get()


def second_level_category(pk: int) -> "Category | None":
    """A fresh Category (with its parent loaded) if `pk` is a second-level category, else None."""
    from .models import Category

    row = second_level().by_pk.get(pk)
    if row is None:
        return None
    pk, code, name, parent_pk, keywords, p_code, p_name, p_parent_id, p_keywords = row
    fields = ["id", "code", "name", "parent_id", "keywords"]
    category = Category.from_db(DEFAULT_DB_ALIAS, fields, (pk, code, name, parent_pk, keywords))
    category.parent = Category.from_db(DEFAULT_DB_ALIAS, fields, (parent_pk, p_code, p_name, p_parent_id, p_keywords))
    return category


def connect() -> None:
    """Forget the table when a category changes here (CasesConfig.ready)."""
    from .models import Category

    clear_on_change(_second_level, Category)

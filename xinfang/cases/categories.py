"""Seeding the content taxonomy from `taxonomy.py`."""


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

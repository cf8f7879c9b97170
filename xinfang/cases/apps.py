from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_fulltext(sender, using="default", **kwargs):
    """SQLite rebuilds a table to alter it, dropping its triggers: after every
    migrate, put the FTS5 triggers back and reindex if any were missing."""
    from django.db import connections

    from . import search

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'cases_case_fts_%'")
        complete = cur.fetchone()[0] == 3
        if complete:
            return
        cur.execute("SELECT count(*) FROM sqlite_master WHERE name = 'cases_case'")
        if not cur.fetchone()[0]:
            return
        for sql in search.SQLITE_SQL:
            cur.execute(sql)
        cur.execute("INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')")


def ensure_categories(sender, using="default", **kwargs):
    """The taxonomy is reference data: restore it after a `flush`."""
    from .categories import load_categories
    from .models import Category

    if not Category.objects.using(using).exists():
        load_categories(Category)


class CasesConfig(AppConfig):
    name = "xinfang.cases"
    label = "cases"
    verbose_name = "信访事项"

    def ready(self) -> None:
        post_migrate.connect(ensure_fulltext, sender=self)
        post_migrate.connect(ensure_categories, sender=self)
        from . import categories

        categories.connect()

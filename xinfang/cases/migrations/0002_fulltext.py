"""Full-text index on Case.search_text: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from xinfang.cases import search

    statements = search.POSTGRES_SQL if schema_editor.connection.vendor == "postgresql" else search.SQLITE_SQL
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    from xinfang.cases import search

    statements = (
        search.POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else search.SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

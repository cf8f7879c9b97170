"""Full-text search over cases, identical in meaning on SQLite and PostgreSQL.

Both engines index `Case.search_text` (jieba tokens separated by spaces) and
match whole tokens, all of them (AND):
- SQLite: an external-content FTS5 table kept current by triggers;
- PostgreSQL: a generated `tsvector` column ('simple' configuration, no
  stemming) with a GIN index.
The schema lives in migration 0002 so both are created by `migrate`.
"""

from django.db import connection
from django.db.models import QuerySet

from xinfang.lib.text import query_tokens

from .models import Case


def _fts5_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _tsquery_lexeme(token: str) -> str:
    # Quote each lexeme so characters like & | ! : in user input are literal.
    return "'" + token.replace("'", "''").replace("\\", "\\\\") + "'"


def filter_by_text(qs: QuerySet[Case], query: str) -> QuerySet[Case]:
    tokens = query_tokens(query)
    if not tokens:
        return qs
    if connection.vendor == "postgresql":
        tsquery = " & ".join(_tsquery_lexeme(t) for t in tokens)
        return qs.extra(where=["cases_case.search_vector @@ to_tsquery('simple', %s)"], params=[tsquery])
    match = " ".join(_fts5_phrase(t) for t in tokens)
    return qs.extra(
        where=["cases_case.id IN (SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s)"],
        params=[match],
    )


SQLITE_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_case_fts USING fts5("
    "search_text, content='cases_case', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS cases_case_fts_ai AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_case_fts_ad AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) VALUES('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_case_fts_au AFTER UPDATE OF search_text ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_text) VALUES('delete', old.id, old.search_text); "
    "INSERT INTO cases_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_case_fts_au",
    "DROP TRIGGER IF EXISTS cases_case_fts_ad",
    "DROP TRIGGER IF EXISTS cases_case_fts_ai",
    "DROP TABLE IF EXISTS cases_case_fts",
]
POSTGRES_SQL = [
    "ALTER TABLE cases_case ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX cases_case_search_gin ON cases_case USING GIN (search_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS cases_case_search_gin",
    "ALTER TABLE cases_case DROP COLUMN IF EXISTS search_vector",
]

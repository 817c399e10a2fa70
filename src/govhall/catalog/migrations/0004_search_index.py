"""Full-text index over ``catalog_implementation.search_tokens``, per database.

SQLite: an external-content FTS5 table kept in step by triggers (unicode61 splits the
space-separated rjieba tokens). PostgreSQL: a GIN index over to_tsvector('simple', tokens)
and a pg_trgm index on the name for the substring fallback.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE catalog_implementation_fts USING fts5("
    "search_tokens, content='catalog_implementation', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER catalog_implementation_fts_ai AFTER INSERT ON catalog_implementation BEGIN "
    "INSERT INTO catalog_implementation_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "CREATE TRIGGER catalog_implementation_fts_ad AFTER DELETE ON catalog_implementation BEGIN "
    "INSERT INTO catalog_implementation_fts(catalog_implementation_fts, rowid, search_tokens) "
    "VALUES ('delete', old.id, old.search_tokens); END",
    "CREATE TRIGGER catalog_implementation_fts_au AFTER UPDATE OF search_tokens ON catalog_implementation BEGIN "
    "INSERT INTO catalog_implementation_fts(catalog_implementation_fts, rowid, search_tokens) "
    "VALUES ('delete', old.id, old.search_tokens); "
    "INSERT INTO catalog_implementation_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "INSERT INTO catalog_implementation_fts(catalog_implementation_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_implementation_fts_au",
    "DROP TRIGGER IF EXISTS catalog_implementation_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_implementation_fts_ai",
    "DROP TABLE IF EXISTS catalog_implementation_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX catalog_impl_tokens_gin ON catalog_implementation "
    "USING gin (to_tsvector('simple'::regconfig, search_tokens))",
    "CREATE INDEX catalog_impl_name_trgm ON catalog_implementation USING gin (name gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_impl_name_trgm",
    "DROP INDEX IF EXISTS catalog_impl_tokens_gin",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]

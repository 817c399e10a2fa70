"""Keeping the SQLite FTS5 index of implementations in step with its table.

The FTS5 table is external-content (it reads ``catalog_implementation.search_tokens``) and is
maintained by triggers. SQLite migrations that alter ``catalog_implementation`` rebuild the
table and silently drop its triggers, so after every ``migrate`` this module re-creates any
missing trigger and rebuilds the index once. PostgreSQL needs nothing: its GIN index is over
an expression of the column.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

FTS_TABLE = "catalog_implementation_fts"
REBUILD = "INSERT INTO catalog_implementation_fts(catalog_implementation_fts) VALUES ('rebuild')"
TRIGGERS = {
    "catalog_implementation_fts_ai": (
        "CREATE TRIGGER IF NOT EXISTS catalog_implementation_fts_ai AFTER INSERT ON "
        "catalog_implementation BEGIN INSERT INTO catalog_implementation_fts(rowid, "
        "search_tokens) VALUES (new.id, new.search_tokens); END"
    ),
    "catalog_implementation_fts_ad": (
        "CREATE TRIGGER IF NOT EXISTS catalog_implementation_fts_ad AFTER DELETE ON "
        "catalog_implementation BEGIN INSERT INTO catalog_implementation_fts("
        "catalog_implementation_fts, rowid, search_tokens) VALUES ('delete', old.id, "
        "old.search_tokens); END"
    ),
    "catalog_implementation_fts_au": (
        "CREATE TRIGGER IF NOT EXISTS catalog_implementation_fts_au AFTER UPDATE OF "
        "search_tokens ON catalog_implementation BEGIN INSERT INTO "
        "catalog_implementation_fts(catalog_implementation_fts, rowid, search_tokens) "
        "VALUES ('delete', old.id, old.search_tokens); INSERT INTO "
        "catalog_implementation_fts(rowid, search_tokens) VALUES (new.id, "
        "new.search_tokens); END"
    ),
}


def missing_triggers(using: str = "default") -> list[str]:
    """Names of FTS triggers absent from an SQLite database (always empty elsewhere)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        if cursor.fetchone() is None:
            return []
    return [name for name in TRIGGERS if name not in present]


def ensure_search_index(using: str = "default", **_kwargs: Any) -> None:
    """Re-create dropped triggers and rebuild the index (a ``post_migrate`` receiver)."""
    missing = missing_triggers(using)
    if not missing:
        return
    with connections[using].cursor() as cursor:
        for name in missing:
            cursor.execute(TRIGGERS[name])
        cursor.execute(REBUILD)

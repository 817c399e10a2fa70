"""PostgreSQL: a stored tsvector of the search tokens with its GIN index.

An index over ``to_tsvector(...)`` of the text still recomputes the vector for every candidate
row when PostgreSQL rechecks a match; a stored generated column is computed once per write.
SQLite keeps its FTS5 table and is untouched.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE catalog_implementation ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_tokens)) STORED",
    "CREATE INDEX catalog_impl_vector_gin ON catalog_implementation USING gin (search_vector)",
    "DROP INDEX IF EXISTS catalog_impl_tokens_gin",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_impl_tokens_gin ON catalog_implementation "
    "USING gin (to_tsvector('simple'::regconfig, search_tokens))",
    "DROP INDEX IF EXISTS catalog_impl_vector_gin",
    "ALTER TABLE catalog_implementation DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_implementation_name_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

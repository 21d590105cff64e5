"""PostgreSQL only: the trigram extension, a GIN index on the stored search vector and a
trigram GIN index on the plain text. SQLite has neither and searches the plain text."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_searchdocument "
    "USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS search_document_plain_trgm ON search_searchdocument "
    "USING gin (plain gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS search_document_plain_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(run(CREATE), run(DROP), elidable=False)]

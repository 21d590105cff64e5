"""The lexicon of close matches: every distinct word of the search documents, filled here from
the documents already indexed, with a trigram GIN index on PostgreSQL (which answers the
words like a word searched for; SQLite has no close matches and no such index).

On PostgreSQL it also drops the trigram index on the documents' plain text (migration 0002):
close matches no longer compare a word with every document's text, and every write of a
document paid for that index."""

from django.db import migrations, models

from search.models import lexicon_words

INDEX = "search_word_trgm"


def fill(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    SearchWord = apps.get_model("search", "SearchWord")
    words = set()
    for plain in SearchDocument.objects.values_list("plain", flat=True).iterator(chunk_size=2000):
        words |= lexicon_words(plain)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], batch_size=1000, ignore_conflicts=True
    )


PLAIN_INDEX = "search_document_plain_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_searchword "
            "USING gin (word gin_trgm_ops)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {PLAIN_INDEX}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PLAIN_INDEX} ON search_searchdocument "
            "USING gin (plain gin_trgm_ops)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_panel_views")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=60, unique=True)),
            ],
            options={"ordering": ["word"]},
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]

"""Indexes on the documents' first and last quarters: the search form's quarter range (the
earliest first quarter and the latest last quarter of any document) reads one row of each
instead of every document."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0005_lexicon")]

    operations = [
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["first_quarter"], name="search_document_first_quarter"),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["last_quarter"], name="search_document_last_quarter"),
        ),
    ]

"""One row per published thing the public can find with ``/search/``.

The rows are derived data: ``search.index`` writes them from the published content, in the
transaction of every write that changes a public page, and nothing else writes them. Only
published content of published plans is ever copied here, so a draft cannot match a search.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection, models
from django.db.models import Case, F, IntegerField, Q, Value, When

from plans.fields import QuarterField
from search.terms import START, STOP, STOP_WORDS, Terms


class Kind(models.TextChoices):
    """What a result is. A new kind of public content is a new value here and a new source
    in ``search.index``."""

    DELIVERABLE = "deliverable", "Deliverables"
    UPDATE = "update", "Quarterly updates"
    PRACTICE = "practice", "Practice examples"
    ENGAGEMENT = "engagement", "Engagement activities"
    PANEL = "panel", "Scrutiny panel views"


#: What one result of each kind is called.
SINGULAR = {
    Kind.DELIVERABLE: "Deliverable",
    Kind.UPDATE: "Quarterly update",
    Kind.PRACTICE: "Practice example",
    Kind.ENGAGEMENT: "Engagement activity",
    Kind.PANEL: "Scrutiny panel view",
}

#: For each kind, what its ``text`` and ``extra`` hold, as a result names where words matched.
FIELD_LABELS = {
    Kind.DELIVERABLE: ("What we will do", "Accountable lead"),
    Kind.UPDATE: ("What was done", "What is next"),
    Kind.PRACTICE: ("Summary", ""),
    Kind.ENGAGEMENT: ("What we heard", "Themes, partners and what we will do"),
    Kind.PANEL: ("The panel's reasons", "The force's reply"),
}


#: How alike (0 to 1, pg_trgm word similarity) each word searched for must be to a word of
#: a text for the text to be offered when nothing matches exactly.
SIMILARITY = 0.4
_BETWEEN_PHRASE_WORDS = r"\w*\W+(?:(?:" + "|".join(sorted(STOP_WORDS)) + r")\W+)*"


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class SearchDocumentQuerySet(models.QuerySet["SearchDocument"]):
    def matching(self, terms: Terms) -> SearchDocumentQuerySet:
        """Documents matching ``terms``, most relevant first (annotated ``rank``).

        PostgreSQL: the stored vector against ``websearch_to_tsquery('english', text)``
        (stemming, "phrases", -words, or), ranked by ``ts_rank`` with the title weighted
        most. SQLite: every stem (or phrase) of one alternative in the plain text, no word
        to leave out; titles that match first.
        """
        if terms.is_empty or terms.problem:
            return self.none()
        if _is_postgresql():
            query = SearchQuery(terms.text, search_type="websearch", config="english")
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query, normalization=Value(1)))
                .order_by("-rank", "heading", "pk")
            )
        wanted = Q()
        for group in terms.alternatives:
            both = Q()
            for term in group:
                both &= _contains(term)
            wanted |= both
        unwanted = Q()
        for term in terms.excluded:
            unwanted |= _contains(term)
        found = self.filter(wanted)
        if terms.excluded:
            found = found.exclude(unwanted)
        first = terms.alternatives[0][0][0]
        in_title = Case(
            When(title__icontains=first, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return found.annotate(rank=in_title).order_by("-rank", "heading", "pk")

    def similar_to(self, terms: Terms) -> SearchDocumentQuerySet:
        """When nothing matches exactly, on PostgreSQL: documents holding, for each word
        searched for, a word like it (pg_trgm word similarity of at least
        :data:`SIMILARITY`): "stopp serch" finds "stop and search". Most alike first
        (annotated ``rank``). Nothing on SQLite."""
        if terms.is_empty or terms.problem or not _is_postgresql():
            return self.none()
        words = list(dict.fromkeys(terms.stems))
        # The threshold of pg_trgm's word-similarity operator, which the trigram index
        # answers, for this connection (pg_trgm's default is 0.6).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(SIMILARITY)],
            )
        found = self
        for word in words:
            found = found.filter(plain__trigram_word_similar=word)
        rank = sum(
            (TrigramWordSimilarity(Value(word), "plain") for word in words[1:]),
            TrigramWordSimilarity(Value(words[0]), "plain"),
        )
        return found.annotate(rank=rank).order_by("-rank", "heading", "pk")

    def with_headlines(self, terms: Terms) -> SearchDocumentQuerySet:
        """On PostgreSQL, annotate ``headline_heading``, ``headline_text`` and
        ``headline_extra``: ``ts_headline`` excerpts with the matched words between
        ``search.terms.START`` and ``STOP``. Apply it to one page of results: it costs."""
        if not _is_postgresql() or terms.is_empty or terms.problem:
            return self
        query = SearchQuery(terms.text, search_type="websearch", config="english")
        options = {
            "config": "english",
            "start_sel": START,
            "stop_sel": STOP,
            "fragment_delimiter": " … ",
        }
        return self.annotate(
            headline_heading=SearchHeadline("heading", query, highlight_all=True, **options),
            headline_text=SearchHeadline(
                "text", query, max_words=30, min_words=15, max_fragments=2, **options
            ),
            headline_extra=SearchHeadline(
                "extra", query, max_words=30, min_words=15, max_fragments=1, **options
            ),
        )


def _contains(term: tuple[str, ...]) -> Q:
    if len(term) == 1:
        return Q(plain__contains=term[0])
    pattern = _BETWEEN_PHRASE_WORDS.join(re.escape(word) for word in term)
    return Q(plain__regex=pattern)


class SearchDocument(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField()
    force = models.ForeignKey("plans.Force", on_delete=models.CASCADE, related_name="+")
    # An engagement activity belongs to the Involved workstream, or to none if there is none.
    workstream = models.ForeignKey(
        "workstreams.Workstream", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    # A deliverable's current status ("withdrawn" when withdrawn), an update's status.
    status = models.CharField(max_length=20, blank=True)
    # The quarters it covers: a deliverable's start and due quarters, an update's quarter.
    first_quarter = QuarterField(null=True, blank=True)
    last_quarter = QuarterField(null=True, blank=True)
    heading = models.CharField(max_length=300, help_text="What the result is called.")
    title = models.CharField(max_length=300, blank=True, help_text="Searched, most weight.")
    text = models.TextField(blank=True, help_text="Searched, the main text.")
    extra = models.TextField(blank=True, help_text="Searched, least weight.")
    # Everything searched, lower case: SQLite's matching and PostgreSQL's trigram similarity.
    plain = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    # Of every value above: a write rewrites only the documents whose digest changed.
    digest = models.CharField(max_length=32)
    earlier_plan = models.BooleanField(
        default=False, help_text="A deliverable or update of a force's earlier plan."
    )
    # PostgreSQL only (stays empty on SQLite): title (A), text (B) and extra (C) in English,
    # written by search.index with every row, with a GIN index (migration 0002).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_document_per_object")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.heading}"

    @property
    def kind_label(self) -> str:
        return SINGULAR[Kind(self.kind)]

    @property
    def text_label(self) -> str:
        return FIELD_LABELS[Kind(self.kind)][0]

    @property
    def extra_label(self) -> str:
        return FIELD_LABELS[Kind(self.kind)][1]

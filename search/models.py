"""One row per published thing the public can find with ``/search/``.

The rows are derived data: ``search.index`` writes them from the published content, in the
transaction of every write that changes a public page, and nothing else writes them. Only
published content of published plans is ever copied here, so a draft cannot match a search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
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


#: How alike (0 to 1, pg_trgm word similarity) a word of the lexicon must be to a word searched
#: for to stand in for it when nothing matches exactly.
SIMILARITY = 0.4
#: At most this many stand in for one word searched for: the most similar, as whole words.
MOST_ALIKE = 20
#: Close matches with, for each word searched for, a word whose similarity is within this of
#: the most similar one's come first.
MARGIN = 0.1
#: The lexicon keeps words of two to this many letters or digits.
LONGEST_WORD = 60
_LEXICON_WORD = re.compile(r"[^\W_]+")
_BETWEEN_PHRASE_WORDS = r"\w*\W+(?:(?:" + "|".join(sorted(STOP_WORDS)) + r")\W+)*"


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def lexicon_words(plain: str) -> set[str]:
    """The words of a document's plain (lower-case) text kept in the lexicon
    (:class:`SearchWord`): runs of letters and digits, of two to :data:`LONGEST_WORD`, but
    not the common words every search leaves out. Each is one word to PostgreSQL's
    ``to_tsquery`` (no operator, no quote)."""
    return {
        word
        for word in _LEXICON_WORD.findall(plain)
        if 1 < len(word) <= LONGEST_WORD and word not in STOP_WORDS
    }


@dataclass(frozen=True)
class CloseWords:
    """What to search for when nothing matches ``terms`` exactly: for each word searched
    for (its stem), the words of the lexicon like it with their similarity, the most similar
    first."""

    terms: Terms
    like: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    def _words(self, stem: str) -> tuple[str, ...]:
        return tuple(word for word, _ in self.like[stem])

    def _nearest(self, stem: str) -> tuple[str, ...]:
        """The words like ``stem`` whose similarity is within :data:`MARGIN` of the most
        similar one's."""
        best = self.like[stem][0][1]
        return tuple(word for word, similarity in self.like[stem] if similarity >= best - MARGIN)

    @property
    def closest(self) -> tuple[str, ...]:
        """The word most like each word searched for (that has one), in the order typed."""
        return tuple(
            dict.fromkeys(self.like[stem][0][0] for stem in self.terms.stems if stem in self.like)
        )

    def _alternatives(self) -> list[str]:
        """Each alternative of the search (``or``) as a ``to_tsquery`` expression: every word
        searched for by an OR of the words like it. An alternative with a word like nothing is
        left out."""
        found = []
        for group in self.terms.alternatives:
            stems = list(dict.fromkeys(stem for term in group for stem in term))
            if all(stem in self.like for stem in stems):
                found.append(" & ".join(_any(self._words(stem)) for stem in stems))
        return found

    @property
    def query(self) -> SearchQuery | None:
        """The full-text query of the close matches, ``None`` if there can be none: the
        alternatives, less the words and phrases to leave out (as the exact search reads
        them)."""
        alternatives = self._alternatives()
        if not alternatives:
            return None
        query = SearchQuery(
            " | ".join(f"({alternative})" for alternative in alternatives),
            search_type="raw",
            config="english",
        )
        if self.terms.excluded_text:
            query &= SearchQuery(
                self.terms.excluded_text, search_type="websearch", config="english"
            )
        return query

    def nearest_queries(self) -> list[SearchQuery]:
        """For each word searched for, the query of the words nearest it: a document with
        the nearest words comes first."""
        return [
            SearchQuery(_any(self._nearest(stem)), search_type="raw", config="english")
            for stem in dict.fromkeys(self.terms.stems)
            if stem in self.like
        ]


def exact_query(terms: Terms) -> SearchQuery:
    """PostgreSQL's query for ``terms``: what is wanted (``websearch_to_tsquery`` reads its
    phrases and ``or``), and none of what is left out. Read from the whole text,
    ``websearch_to_tsquery`` would leave a word out of its own alternative only (``a -b or
    c`` finds a ``c`` with a ``b``), unlike SQLite and the close matches."""
    query = SearchQuery(terms.wanted_text, search_type="websearch", config="english")
    if terms.excluded_text:
        query &= SearchQuery(terms.excluded_text, search_type="websearch", config="english")
    return query


def _any(words: tuple[str, ...]) -> str:
    return "(" + " | ".join(words) + ")"


def words_like(terms: Terms) -> CloseWords:
    """On PostgreSQL, the words of the lexicon like each word of ``terms``: of pg_trgm word
    similarity at least :data:`SIMILARITY` (the word searched for is like a word of the
    lexicon or a part of it), at most :data:`MOST_ALIKE`, the most similar (as whole words)
    first. On SQLite, none: no close matches.

    One query. The lexicon's trigram GIN index answers ``<%``, whose threshold is a setting
    of the connection: the query sets it for itself (``set_config`` in a subquery that the
    lookup depends on, so it runs first; local to the statement's transaction)."""
    if terms.is_empty or terms.problem or not _is_postgresql():
        return CloseWords(terms)
    stems = list(dict.fromkeys(terms.stems))
    like: dict[str, list[tuple[str, float]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT searched.word, alike.word, alike.similarity
            FROM (
                SELECT set_config('pg_trgm.word_similarity_threshold', %s, true) AS threshold
            ) AS config
            CROSS JOIN unnest(%s::text[]) AS searched (word)
            CROSS JOIN LATERAL (
                SELECT lexicon.word, similarity(searched.word, lexicon.word) AS similarity
                FROM search_searchword AS lexicon
                WHERE config.threshold IS NOT NULL AND searched.word <%% lexicon.word
                ORDER BY similarity DESC, lexicon.word
                LIMIT %s
            ) AS alike
            ORDER BY searched.word, alike.similarity DESC, alike.word
            """,
            [str(SIMILARITY), stems, MOST_ALIKE],
        )
        for searched, alike, similarity in cursor.fetchall():
            if _LEXICON_WORD.fullmatch(alike):
                like.setdefault(searched, []).append((alike, similarity))
    return CloseWords(terms, {searched: tuple(alike) for searched, alike in like.items()})


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
            query = exact_query(terms)
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

    def similar_to(self, close: CloseWords) -> SearchDocumentQuerySet:
        """When nothing matches exactly, on PostgreSQL: documents holding, for each word
        searched for, a word like it (:func:`words_like`: "stopp serch" finds "stop and
        search"), less the words to leave out. The stored vector answers, as for an exact
        match, with each word searched for replaced by an OR of the words like it. Those with
        the closest words come first (annotated ``closest``: how many of the words searched
        for have their closest word there), then by ``rank`` as an exact match. Nothing on
        SQLite."""
        query = close.query
        if query is None or not _is_postgresql():
            return self.none()
        closest = sum(
            (
                Case(When(search_vector=word, then=Value(1)), default=Value(0))
                for word in close.nearest_queries()
            ),
            Value(0),
        )
        return (
            self.filter(search_vector=query)
            .annotate(
                closest=closest,
                rank=SearchRank(F("search_vector"), query, normalization=Value(1)),
            )
            .order_by("-closest", "-rank", "heading", "pk")
        )

    def with_headlines(
        self, terms: Terms, close: CloseWords | None = None
    ) -> SearchDocumentQuerySet:
        """On PostgreSQL, annotate ``headline_heading``, ``headline_text`` and
        ``headline_extra``: ``ts_headline`` excerpts with the matched words between
        ``search.terms.START`` and ``STOP`` (the words like them for ``close`` matches).
        Apply it to one page of results: it costs."""
        if not _is_postgresql() or terms.is_empty or terms.problem:
            return self
        query = close.query if close is not None else None
        if query is None:
            query = exact_query(terms)
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
    # Everything searched, lower case: SQLite's matching, and the words of the lexicon.
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
        # The search form's quarters run from the first quarter of any document to the last
        # of any: with these, MIN and MAX read one row each instead of every document.
        indexes = [
            models.Index(fields=["first_quarter"], name="search_document_first_quarter"),
            models.Index(fields=["last_quarter"], name="search_document_last_quarter"),
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


class SearchWord(models.Model):
    """The lexicon: every distinct word of the search documents (:func:`lexicon_words`),
    with a trigram index on PostgreSQL (migration 0005), where close matches find the words
    like a word searched for. ``search.index`` adds the words of every document it writes, in
    the same transaction; a word no document holds any more stays until
    ``rebuild_search_index`` (it can only widen a close match by a word that matches
    nothing)."""

    word = models.CharField(max_length=LONGEST_WORD, unique=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word

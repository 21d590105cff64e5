"""What a person typed into the search box, read as web search engines read it.

Pure functions, no Django: :func:`parse` turns the box's text into :class:`Terms` (words,
"quoted phrases", -left-out words, ``or``) or says what is wrong with it; :func:`excerpt`
cuts the part of a text where the words are, with the matches marked.

PostgreSQL gets the text itself (``websearch_to_tsquery`` reads the same syntax, with English
stemming); SQLite matches the :attr:`Terms.alternatives` with a light suffix-stripping stem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_LENGTH = 200
MAX_WORDS = 20
#: Excerpts mark matches with these; ``search.templatetags`` escapes the text, then turns
#: them into ``<mark>`` tags. Stored text never contains them (``search.index`` removes
#: control characters).
START, STOP = "\x02", "\x03"

# Words too common to narrow a search (a short list from PostgreSQL's English stop words).
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have",
        "in", "into", "is", "it", "its", "of", "on", "or", "our", "so", "that", "the",
        "their", "them", "they", "this", "to", "was", "we", "were", "will", "with",
    }
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile("\\w+(?:['\u2019]\\w+)*")


@dataclass(frozen=True)
class Terms:
    text: str = ""  # the query as typed, spaces tidied: what PostgreSQL reads
    #: Each alternative (separated by ``or``) is a list of what must all appear: stems of
    #: words, and phrases (several stems in a row).
    alternatives: tuple[tuple[tuple[str, ...], ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()
    #: The words and phrases to leave out as typed (``-word -"a phrase"``): what PostgreSQL
    #: reads to leave them out of close matches, as it does from ``text``.
    excluded_text: str = ""
    #: The query as typed without what it leaves out: with ``excluded_text``, what
    #: PostgreSQL reads, so that what is left out is left out of every alternative.
    wanted_text: str = ""
    problem: str = ""
    stems: tuple[str, ...] = field(default=())  # every stem to find, for excerpts

    @property
    def is_empty(self) -> bool:
        return not self.text

    @property
    def words(self) -> str:
        """The words to find, without syntax: for similarity when nothing matches exactly."""
        return " ".join(dict.fromkeys(self.stems))


def stem(word: str) -> str:
    """A light English stem that is a prefix of the word's other forms: searches, searched,
    searching -> search; children stays children (matched as written)."""
    word = word.lower().replace("\u2019", "'")
    for suffix, keep in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + keep
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in _WORD.findall(text) if word.lower() not in STOP_WORDS)


def parse(raw: str | None) -> Terms:
    """Read the search box. ``Terms.problem`` says what is wrong, in words for the page."""
    # Control characters (a NUL byte, the excerpt markers) are never meant: spaces.
    text = " ".join(_CONTROL.sub(" ", raw or "").split())
    if not text:
        return Terms()
    if len(text) > MAX_LENGTH:
        return Terms(
            text=text[:MAX_LENGTH],
            problem=f"Search for {MAX_LENGTH} characters or fewer (you entered {len(text)})",
        )
    if not _WORD.search(text):
        return Terms(text=text, problem="Enter words to search for, for example strip search")
    alternatives: list[list[tuple[str, ...]]] = [[]]
    excluded: list[tuple[str, ...]] = []
    excluded_text: list[str] = []
    wanted_text: list[str] = []
    count = 0
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            alternatives.append([])
            wanted_text.append(match.group(0))
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        # Hyphens join the words of a term ("strip-search"); each word must appear.
        words = _stems(phrase if phrase is not None else bare.replace("-", " "))
        if not words:
            continue
        count += len(words)
        if minus:
            excluded.append(words)
            excluded_text.append(match.group(0))
            continue
        wanted_text.append(match.group(0))
        if phrase is not None and len(words) > 1:
            alternatives[-1].append(words)
        else:
            alternatives[-1].extend((word,) for word in words)
    alternatives = [group for group in alternatives if group]
    if count > MAX_WORDS:
        return Terms(text=text, problem=f"Search for {MAX_WORDS} words or fewer")
    if not alternatives:
        problem = (
            "Enter at least one word to find, as well as words to leave out"
            if excluded
            else "Enter more specific words: the, and, of and the like are in everything"
        )
        return Terms(text=text, problem=problem)
    stems = tuple(word for group in alternatives for term in group for word in term)
    return Terms(
        text=text,
        alternatives=tuple(tuple(group) for group in alternatives),
        excluded=tuple(excluded),
        excluded_text=" ".join(excluded_text),
        wanted_text=" ".join(wanted_text),
        stems=stems,
    )


def _pattern(stems: tuple[str, ...]) -> re.Pattern | None:
    if not stems:
        return None
    ordered = sorted(set(stems), key=len, reverse=True)
    return re.compile(r"\w*(?:" + "|".join(re.escape(s) for s in ordered) + r")\w*", re.IGNORECASE)


def mark(text: str, stems: tuple[str, ...]) -> str:
    """``text`` with every word containing one of ``stems`` between START and STOP."""
    pattern = _pattern(stems)
    if pattern is None:
        return text
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text)


def excerpt(text: str, stems: tuple[str, ...], words: int = 30) -> str:
    """About ``words`` words of ``text`` around the first match of ``stems``, matches marked,
    with "…" where text was cut. The start of the text when nothing matches."""
    tokens = text.split()
    if not tokens:
        return ""
    pattern = _pattern(stems)
    first = 0
    if pattern is not None:
        first = next((i for i, token in enumerate(tokens) if pattern.search(token)), 0)
    start = max(0, min(first - words // 3, len(tokens) - words))
    piece = " ".join(tokens[start : start + words])
    before = "… " if start > 0 else ""
    after = " …" if start + words < len(tokens) else ""
    return before + mark(piece, stems) + after

"""Search text normalisation, safe FTS5 query building and highlighted snippets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..locales import UNSPACED_LANGS

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Arabic short vowels, Quranic marks and the tatweel carry no meaning for search.
ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
# The definite article, alone or after the conjunctions/prepositions wa-, fa-, bi-, ka-, li-.
ARABIC_ARTICLE = re.compile(r"(?<!\w)(?:[وفبك]?ال|لل)(?=\w\w)")
LATIN_MARKS = re.compile("[\u0300-\u036f]")
JOINERS = re.compile("[\u200c\u200d\u00ad]")
WORD_CATEGORIES = frozenset({"Mn", "Mc", "Co"})


def is_word_char(char: str) -> bool:
    """Match FTS5's tokenchars: letters, numbers, private use and combining marks."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category in WORD_CATEGORIES


def normalize(text: str) -> str:
    """Fold text the same way for the index and for queries (case, accents, Arabic forms)."""
    text = JOINERS.sub("", text).casefold()
    text = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", LATIN_MARKS.sub("", text))
    text = ARABIC_MARKS.sub("", text).translate(ARABIC_LETTERS)
    return ARABIC_ARTICLE.sub("", text)


def words(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each word in `text`."""
    spans, start = [], None
    for i, char in enumerate(text):
        if is_word_char(char):
            if start is None:
                start = i
        elif start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class Query:
    """A reader's query turned into normalised terms; never FTS syntax."""

    terms: tuple[str, ...]
    substring: bool  # True for scripts written without spaces

    def fts(self) -> str:
        """An FTS5 MATCH expression: every term quoted, so operators are plain words."""
        return " ".join(f'"{t}"' for t in self.terms if len(t) >= 3 or not self.substring)

    @property
    def short_terms(self) -> tuple[str, ...]:
        """Terms the trigram tokenizer cannot match (under 3 characters): need LIKE."""
        return tuple(t for t in self.terms if self.substring and len(t) < 3)


def parse_query(raw: str, lang: str) -> Query:
    """Normalise a query; terms are runs of word characters only."""
    text = normalize(raw)
    substring = lang in UNSPACED_LANGS
    if substring:
        chunks = ["".join(c for c in chunk if is_word_char(c)) for chunk in text.split()]
        terms = [c for c in chunks if c]
    else:
        terms = [text[s:e] for s, e in words(text)]
    unique = tuple(dict.fromkeys(terms))[:MAX_TERMS]
    return Query(terms=unique, substring=substring)


def snippet(text: str, query: Query, width: int = 28) -> Markup:
    """A short extract of `text` around the first match, matches wrapped in <mark>."""
    if query.substring:
        return _substring_snippet(text, query, width * 6)
    spans = words(text)
    keys = set(query.terms)
    hits = [i for i, (s, e) in enumerate(spans) if normalize(text[s:e]) in keys]
    if not spans:
        return Markup("")
    first = hits[0] if hits else 0
    lo = max(0, first - width // 3)
    hi = min(len(spans), lo + width)
    start, end = spans[lo][0], spans[hi - 1][1]
    out, pos = [], start
    for i in hits:
        if lo <= i < hi:
            s, e = spans[i]
            out += [escape(text[pos:s]), Markup("<mark>"), escape(text[s:e]), Markup("</mark>")]
            pos = e
    out.append(escape(text[pos:end]))
    return _ellipsis(start > 0, end < len(text), Markup("").join(out))


def _substring_snippet(text: str, query: Query, width: int) -> Markup:
    folded = text.casefold()
    positions = sorted(
        (m.start(), m.start() + len(t))
        for t in query.terms
        for m in re.finditer(re.escape(t), folded)
    )
    first = positions[0][0] if positions else 0
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    out, pos = [], start
    for s, e in positions:
        if s >= pos and e <= end:
            out += [escape(text[pos:s]), Markup("<mark>"), escape(text[s:e]), Markup("</mark>")]
            pos = e
    out.append(escape(text[pos:end]))
    return _ellipsis(start > 0, end < len(text), Markup("").join(out))


def _ellipsis(before: bool, after: bool, body: Markup) -> Markup:
    return (Markup("… ") if before else Markup("")) + body + (Markup(" …") if after else "")

"""Search text normalisation, safe FTS5 query building and highlighted snippets."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex
from markupsafe import Markup, escape

from ..locales import UNSPACED_LANGS

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Arabic short vowels, Quranic marks and the tatweel carry no meaning for search.
ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ARABIC_FORMS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}
ARABIC_LETTERS = str.maketrans(ARABIC_FORMS)
# The definite article, alone or after the conjunctions/prepositions wa-, fa-, bi-, ka-, li-.
ARABIC_ARTICLE = re.compile(r"(?<!\w)(?:[وفبك]?ال|لل)(?=\w\w)")
LATIN_MARKS = re.compile("[\u0300-\u036f]")
JOINERS = re.compile("[\u200c\u200d\u00ad]")
# FTS5's word characters as configured in index.FTS_TABLES: letters, numbers, private use and
# combining marks (Devanagari and Bengali vowel signs are marks, and belong inside words).
WORD = regex.compile(r"[\p{L}\p{N}\p{Mn}\p{Mc}\p{Co}]+")


def is_word_char(char: str) -> bool:
    """Match FTS5's tokenchars: letters, numbers, private use and combining marks."""
    return WORD.fullmatch(char) is not None


def normalize(text: str) -> str:
    """Fold text the same way for the index and for queries (case, accents, Arabic forms)."""
    text = JOINERS.sub("", text).casefold()
    text = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", LATIN_MARKS.sub("", text))
    text = ARABIC_MARKS.sub("", text).translate(ARABIC_LETTERS)
    return ARABIC_ARTICLE.sub("", text)


@lru_cache(maxsize=65536)
def normalize_word(word: str) -> str:
    """normalize() of one word, memoised: a language's pages reuse a small vocabulary."""
    return normalize(word)


def words(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each word in `text`."""
    return [match.span() for match in WORD.finditer(text)]


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
    """A short extract of `text` around a match (the first one found), matches in <mark>."""
    if query.substring:
        return _substring_snippet(text, query, width * 6)
    keys, before = frozenset(query.terms), width // 3
    first = _first_match(text, keys)
    if first is None:
        spans = _spans_from(text, 0, width)
    else:
        lead = _spans_before(text, first, before)
        spans = lead + _spans_from(text, first, width - len(lead))
    if not spans:
        return Markup("")
    start, end = spans[0][0], spans[-1][1]
    marks = [(s, e) for s, e in spans if normalize_word(text[s:e]) in keys]
    return _marked(text, start, end, marks)


def _first_match(text: str, keys: frozenset[str]) -> int | None:
    """Offset of a word whose normalised form is a query term, or None.

    Most matches are found by searching the case-folded text in C for each term and checking
    the word found there; only when none is (accents, Arabic marks, a match only in the title)
    are all the words normalised one by one.
    """
    folded = text.casefold()
    for letter, plain in ARABIC_FORMS.items():  # one character for one: offsets stay
        folded = folded.replace(letter, plain)
    if len(folded) == len(text):  # and casefold made no character two
        best = None
        for term in keys:
            pos = folded.find(term)
            while pos != -1 and (best is None or pos < best):
                start = pos
                while start > 0 and is_word_char(text[start - 1]):
                    start -= 1
                word = WORD.match(text, start)
                if word and word.end() > pos and normalize_word(word.group()) in keys:
                    best = start
                    break
                pos = folded.find(term, pos + 1)
        if best is not None:
            return best
    for match in WORD.finditer(text):
        if normalize_word(match.group()) in keys:
            return match.start()
    return None


def _spans_from(text: str, offset: int, count: int) -> list[tuple[int, int]]:
    """The first `count` words at or after `offset`."""
    return [match.span() for match in itertools.islice(WORD.finditer(text, offset), count)]


def _spans_before(text: str, offset: int, count: int) -> list[tuple[int, int]]:
    """The last `count` whole words before `offset`."""
    if count <= 0:
        return []
    reach = 16 * count
    while True:
        lo = max(0, offset - reach)
        spans = [match.span() for match in WORD.finditer(text, lo, offset)]
        if lo > 0 and spans and spans[0][0] == lo and is_word_char(text[lo - 1]):
            spans = spans[1:]  # a word cut in two by the window's edge
        if len(spans) >= count or lo == 0:
            return spans[-count:]
        reach *= 4


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
    marks, pos = [], start
    for s, e in positions:
        if s >= pos and e <= end:
            marks.append((s, e))
            pos = e
    return _marked(text, start, end, marks)


def _marked(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> Markup:
    """text[start:end], escaped, with each of `marks` (ordered, not overlapping) in <mark>, and
    an ellipsis where the text goes on."""
    # Plain strings joined once: every piece of text passes through escape() on its way in,
    # and Markup's own + and join would escape-check each piece again (a tenth of a search).
    out, pos = ["… " if start > 0 else ""], start
    for s, e in marks:
        out += [escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>"]
        pos = e
    out += [escape(text[pos:end]), " …" if end < len(text) else ""]
    return Markup("".join(out))  # noqa: S704 (text pieces are escaped above)

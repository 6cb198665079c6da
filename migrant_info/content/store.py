"""Read side of the content index: pages with language fallback, topic listings and search."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from ..locales import SOURCE_LANG, UNSPACED_LANGS, locale_order
from .helplines import Helpline
from .model import INDEX_SLUG, TOPICS
from .search import Query, snippet

# Title matches weigh ten times body matches. Table names are fixed, never from input.
RANKED_HITS = {
    table: f"select rowid, bm25({table}, 10.0, 1.0) as score from {table} where {table} match ?"  # noqa: S608
    for table in ("fts_words", "fts_trigram")
}
# How many of the best-ranked matches (all languages) a search looks at first.
TOP_HITS = 200
ALL_PAGES = "select id as rowid, 0 as score from pages"
PAGE_COLUMNS = (
    "id, lang, topic, slug, kind, title, summary, html, toc, reviewed, sources, countries, "
    "source_hash, translated_by, reviewed_by, lesson, status"
)


@dataclass
class Shown:
    """A page as a reader of `requested` sees it: maybe in another language, with notices."""

    requested: str
    row: dict
    languages: list[str] = field(default_factory=list)  # languages that have this page

    @property
    def lang(self) -> str:
        """The language the text is actually in."""
        return self.row["lang"]

    @property
    def is_fallback(self) -> bool:
        """True when the reader's language has no translation and the source is shown."""
        return self.lang != self.requested

    @property
    def is_outdated(self) -> bool:
        """True when the translation was made from an older version of the source."""
        return self.row["status"] == "outdated"

    @property
    def is_machine(self) -> bool:
        """True for a machine translation nobody has reviewed yet."""
        return self.row["translated_by"] == "machine" and not self.row["reviewed_by"]


def _decode(row: sqlite3.Row) -> dict:
    data = dict(row)
    for key in ("toc", "sources", "countries", "lesson"):
        if key in data:
            data[key] = json.loads(data[key]) if data[key] else ([] if key != "lesson" else None)
    return data


def languages(conn: sqlite3.Connection) -> list[str]:
    """Languages that have at least one page, source language first."""
    rows = conn.execute("select distinct lang from pages order by lang").fetchall()
    langs = [r[0] for r in rows]
    return sorted(langs, key=lambda lang: (lang != SOURCE_LANG, lang))


def page_languages(conn: sqlite3.Connection, topic: str, slug: str) -> list[str]:
    """Languages in which a page exists."""
    rows = conn.execute(
        "select lang from pages where topic = ? and slug = ? order by lang", (topic, slug)
    ).fetchall()
    return sorted((r[0] for r in rows), key=lambda lang: (lang != SOURCE_LANG, lang))


def find(conn: sqlite3.Connection, lang: str, topic: str, slug: str) -> Shown | None:
    """The page in the reader's language, else in the next language of the locale order."""
    for candidate in locale_order(lang):
        row = conn.execute(
            f"select {PAGE_COLUMNS} from pages where lang = ? and topic = ? and slug = ?",  # noqa: S608
            (candidate, topic, slug),
        ).fetchone()
        if row is not None:
            return Shown(lang, _decode(row), page_languages(conn, topic, slug))
    return None


def topic_pages(conn: sqlite3.Connection, lang: str, topic: str) -> list[Shown]:
    """Every page of a topic, each in the best language available, in source title order."""
    slugs = conn.execute(
        "select slug from pages where lang = ? and topic = ? and kind = 'page' order by slug",
        (SOURCE_LANG, topic),
    ).fetchall()
    shown = [find(conn, lang, topic, s[0]) for s in slugs]
    return [s for s in shown if s is not None]


def topics(conn: sqlite3.Connection, lang: str) -> list[Shown]:
    """The four topic indexes in the reader's language (or the source), in site order."""
    found = [find(conn, lang, topic, INDEX_SLUG) for topic in TOPICS]
    return [s for s in found if s is not None]


@dataclass
class Result:
    """One search hit."""

    lang: str
    topic: str
    slug: str
    kind: str
    title: str
    snippet: str


def search(conn: sqlite3.Connection, lang: str, query: Query, limit: int = 20) -> list[Result]:
    """Ranked hits in the reader's language, plus source pages that have no translation there."""
    if not query.terms:
        return []
    hits: list[Result] = []
    tables = ["fts_trigram", "fts_words"] if lang in UNSPACED_LANGS else ["fts_words"]
    for table in tables:
        hits += _search_table(conn, table, lang, query, limit)
    return hits[:limit]


def _search_table(
    conn: sqlite3.Connection, table: str, lang: str, query: Query, limit: int
) -> list[Result]:
    # The trigram table keeps the query's substring terms; the word table needs whole words.
    q = query if table == "fts_trigram" else Query(query.terms, substring=False)
    match = q.fts()
    rows = []
    if match:
        # Most searches are answered from the best-ranked matches in every language; only
        # when those hold too few in the reader's language are all matches ranked.
        rows = _ranked(conn, f"{RANKED_HITS[table]} order by score limit ?", [match, TOP_HITS],
                       lang, q, limit)  # fmt: skip
    if len(rows) < limit:
        hits, params = (RANKED_HITS[table], [match]) if match else (ALL_PAGES, [])
        rows = _ranked(conn, hits, params, lang, q, limit)
    # Texts are read for the shown hits only: the sorter would otherwise carry every text.
    marks = ",".join("?" * len(rows))
    texts = dict(conn.execute(f"select id, text from pages where id in ({marks})",  # noqa: S608
                              [r["id"] for r in rows]).fetchall())  # fmt: skip
    return [
        Result(r["lang"], r["topic"], r["slug"], r["kind"], r["title"], snippet(texts[r["id"]], q))
        for r in rows
    ]


def _ranked(
    conn: sqlite3.Connection, hits: str, params: list, lang: str, q: Query, limit: int
) -> list[sqlite3.Row]:
    """Pages in the reader's language (or untranslated sources) among `hits`, best first."""
    likes = "".join(" and p.text like ? escape '\\'" for _ in q.short_terms)
    params = list(params)
    for term in q.short_terms:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    sql = f"""
        select p.id, p.lang, p.topic, p.slug, p.kind, p.title
        from ({hits}) h join pages p on p.id = h.rowid
        where (p.lang = ? or (p.lang = ? and not exists (
                select 1 from pages t where t.lang = ? and t.topic = p.topic and t.slug = p.slug)))
          {likes}
        order by h.score, p.title limit ?"""  # noqa: S608
    return conn.execute(sql, [*params, lang, SOURCE_LANG, lang, limit]).fetchall()


def helplines(conn: sqlite3.Connection, country: str | None = None) -> list[Helpline]:
    """Helplines, for one country or all, in file order (confirmed lines first per country)."""
    rows = conn.execute(
        "select data from helplines where ? is null or country = ? order by rowid",
        (country, country),
    ).fetchall()
    lines = [Helpline(**json.loads(r[0])) for r in rows]
    return sorted(lines, key=lambda line: (line.country, not line.confirmed))


def helpline_countries(conn: sqlite3.Connection) -> list[str]:
    """Countries that have at least one helpline entry."""
    return [r[0] for r in conn.execute("select distinct country from helplines order by country")]


def helplines_directory(conn: sqlite3.Connection) -> dict:
    """The international directory shown when a country has no confirmed line."""
    row = conn.execute("select value from meta where key = 'helplines_directory'").fetchone()
    return json.loads(row[0]) if row else {}


def self_check(conn: sqlite3.Connection) -> dict:
    """The self-check questions as validated by the build ({} when the site has none)."""
    row = conn.execute("select value from meta where key = 'self_check'").fetchone()
    return json.loads(row[0]) if row else {}


def route_flow(conn: sqlite3.Connection) -> dict:
    """The route finder's questions and outcome blocks as validated by the build."""
    row = conn.execute("select value from meta where key = 'routes'").fetchone()
    return json.loads(row[0]) if row else {}


def page_keys(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """(lang, topic, slug) of every page, topic indexes and site pages included."""
    return {tuple(r) for r in conn.execute("select lang, topic, slug from pages")}


def moves(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str]]:
    """Old (topic, slug) -> current (topic, slug), from source pages' `aliases`."""
    found = {}
    rows = conn.execute(
        "select topic, slug, aliases from pages where lang = ? and aliases != '[]'", (SOURCE_LANG,)
    )
    for topic, slug, aliases in rows:
        for alias in json.loads(aliases or "[]"):
            old_topic, _, old_slug = alias.rpartition("/")
            found[(old_topic, old_slug)] = (topic, slug)
    return found

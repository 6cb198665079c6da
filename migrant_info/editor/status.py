"""Translation state of every page in every language: the dashboard and `content status`."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..content.discover import NOT_LANGUAGES
from ..content.model import Page
from ..locales import SOURCE_LANG, is_known_language
from .workspace import SITE

STATES = ("missing", "outdated", "machine", "reviewed")


@dataclass(frozen=True)
class Entry:
    """What the matrix needs of one file, whether read from the index or from disk."""

    lang: str
    topic: str  # SITE for site pages
    slug: str
    title: str
    content_hash: str
    source_hash: str | None
    translated_by: str | None
    reviewed_by: str | None


@dataclass
class Row:
    """One source page and its state in each language."""

    topic: str
    slug: str
    title: str
    cells: dict[str, str] = field(default_factory=dict)
    demand: int = 0


def state(entry: Entry | None, source: Entry) -> str:
    """missing, outdated (made from an older source), machine (not reviewed) or reviewed."""
    if entry is None:
        return "missing"
    if entry.source_hash != source.content_hash:
        return "outdated"
    if entry.translated_by == "machine" and not entry.reviewed_by:
        return "machine"
    return "reviewed"


def entries_from_index(index: sqlite3.Connection) -> list[Entry]:
    """Every page in the content index."""
    rows = index.execute(
        "select lang, topic, slug, title, content_hash, source_hash, translated_by, reviewed_by"
        " from pages"
    ).fetchall()
    return [Entry(r[0], r[1] or SITE, *tuple(r)[2:]) for r in rows]


def entries_from_pages(pages: Iterable[Page]) -> list[Entry]:
    """Every discovered page (for the command line, which never needs an index)."""
    return [
        Entry(
            p.lang,
            p.topic or SITE,
            p.slug,
            p.title,
            p.content_hash,
            p.source_hash,
            p.translated_by,
            p.reviewed_by,
        )  # fmt: skip
        for p in pages
    ]


def content_languages(content_dir: Path) -> list[str]:
    """Folders under content/ named by a language code (an added language may be empty)."""
    if not content_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in content_dir.iterdir()
        if p.is_dir() and p.name not in NOT_LANGUAGES and is_known_language(p.name)
    )


def matrix(
    entries: list[Entry],
    langs: Iterable[str],
    demand: Mapping[tuple[str, str], int] | None = None,
) -> tuple[list[Row], dict[str, Counter]]:
    """Rows of source pages × translation languages, and state counts per language.

    With `demand` (views per page, from the statistics) the most-read pages come first.
    """
    targets = sorted({lang for lang in langs if lang != SOURCE_LANG})
    by_key = {(e.lang, e.topic, e.slug): e for e in entries}
    sources = sorted((e for e in entries if e.lang == SOURCE_LANG), key=lambda e: (e.topic, e.slug))
    rows, counts = [], {lang: Counter() for lang in targets}
    for source in sources:
        row = Row(source.topic, source.slug, source.title)
        row.demand = (demand or {}).get((source.topic, source.slug), 0)
        for lang in targets:
            cell = state(by_key.get((lang, source.topic, source.slug)), source)
            row.cells[lang] = cell
            counts[lang][cell] += 1
        rows.append(row)
    if demand:
        rows.sort(key=lambda r: -r.demand)  # stable: ties keep topic order
    return rows, counts


def filtered(rows: list[Row], lang: str | None, wanted: str | None, topic: str | None) -> list[Row]:
    """Rows of one topic, and/or rows whose cell in `lang` (or any language) is `wanted`."""
    out = []
    for row in rows:
        if topic and row.topic != topic:
            continue
        cells = [row.cells[lang]] if lang in row.cells else list(row.cells.values())
        if wanted and wanted not in cells:
            continue
        out.append(row)
    return out

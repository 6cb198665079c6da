"""Rows of the content index: a page's `pages` row, its status and its search entries."""

from __future__ import annotations

import json
import sqlite3

from ..locales import SOURCE_LANG, UNSPACED_LANGS
from .model import Page
from .search import normalize


def status(page: Page, source_content_hash: str | None) -> str:
    """'source', or whether a translation was made from its source's current text."""
    if page.lang == SOURCE_LANG:
        return "source"
    return "current" if page.source_hash == source_content_hash else "outdated"


def fts_table(lang: str) -> str:
    """The search table a language's pages are indexed in."""
    return "fts_trigram" if lang in UNSPACED_LANGS else "fts_words"


def fts_insert(conn: sqlite3.Connection, row_id: int, lang: str, title: str, text: str) -> None:
    """Index a page's title and text under its pages.id."""
    conn.execute(
        f"insert into {fts_table(lang)} (rowid, title, body) values (?, ?, ?)",  # noqa: S608 fixed names
        (row_id, normalize(title), normalize(text)),
    )


def fts_delete(conn: sqlite3.Connection, row_id: int, lang: str, title: str, text: str) -> None:
    """Remove a page from a contentless FTS5 table: it needs the values that were indexed."""
    table = fts_table(lang)
    conn.execute(
        f"insert into {table} ({table}, rowid, title, body) values ('delete', ?, ?, ?)",  # noqa: S608 fixed names
        (row_id, normalize(title), normalize(text)),
    )


def page_row(page: Page, state: str) -> dict:
    """The `pages` row of a rendered page (`state` is its status)."""
    return {
        "lang": page.lang,
        "topic": page.topic or "",
        "slug": page.slug,
        "kind": page.kind,
        "path": page.path,
        "title": page.title,
        "summary": page.summary,
        "html": page.html,
        "text": page.text,
        "toc": json.dumps(page.toc, ensure_ascii=False),
        "reviewed": page.reviewed.isoformat() if page.reviewed else None,
        "sources": json.dumps(page.sources, ensure_ascii=False),
        "countries": json.dumps(page.countries),
        "source_hash": page.source_hash,
        "content_hash": page.content_hash,
        "file_hash": page.file_hash,
        "translated_by": page.translated_by,
        "reviewed_by": page.reviewed_by,
        "lesson": json.dumps(page.lesson, ensure_ascii=False, default=str) if page.lesson else None,
        "aliases": json.dumps(page.aliases),
        "status": state,
    }

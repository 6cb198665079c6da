"""Write a new index file from a stream of pages, a batch at a time (render → sanitise → insert).

A full build never holds more than one batch of pages: each batch is rendered (reusing the
old index's render of any file whose bytes are unchanged, looked up per page), inserted with
its search rows, and dropped. Source pages arrive before their translations, so a
translation's status needs only the source's content hash, kept per page key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from ..locales import SOURCE_LANG
from . import filestate, helplines
from .filestate import FileState
from .model import Page
from .render import plain_text, render_markdown
from .rows import fts_insert, page_row, status

# Bump when rendering, search.normalize or the schema changes, so every server rebuilds its
# index (and renders nothing from an older one): incremental updates delete FTS rows by
# re-normalising the stored text, which must give exactly what was indexed.
BUILD_VERSION = "6"
# Pages parsed, rendered and inserted together; the most a build holds at once.
BATCH_PAGES = 100
WORD_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co Mn Mc'"
# Word table for spaced scripts; trigram (substring) table for scripts without spaces.
FTS_TABLES = {"fts_words": WORD_TOKENIZER, "fts_trigram": "trigram"}
T = TypeVar("T")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def create_schema(db: sqlite_utils.Database) -> None:
    """The tables of an empty index file."""
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["helplines"].create({"id": str, "country": str, "data": str}, pk="id")
    db.execute(filestate.FILES_SCHEMA)
    db.execute(
        """create table pages (
            id integer primary key, lang text not null, topic text not null, slug text not null,
            kind text not null, path text not null, title text not null, summary text not null,
            html text not null, text text not null, toc text, reviewed text, sources text,
            countries text, source_hash text, content_hash text not null, file_hash text not null,
            translated_by text, reviewed_by text, lesson text, aliases text, status text not null,
            unique (lang, topic, slug))"""
    )
    # A page's languages (store.page_languages, incremental updates of translations).
    db.execute("create index pages_key on pages (topic, slug)")
    for table, tokenizer in FTS_TABLES.items():
        db.execute(
            f"create virtual table {table} using fts5("
            f"title, body, tokenize=\"{tokenizer}\", content='')"
        )


def previous_render(old: sqlite3.Connection | None, page: Page) -> tuple[str, str, str] | None:
    """(html, text, toc) of this page in the old index if its file's bytes are unchanged."""
    if old is None:
        return None
    return old.execute(  # one indexed lookup per page: the old renders are never all loaded
        "select html, text, toc from pages where lang = ? and topic = ? and slug = ?"
        " and file_hash = ?",
        (page.lang, page.topic or "", page.slug, page.file_hash),
    ).fetchone()


def render_pages(
    pages: Iterable[Page],
    reuse: Callable[[Page], tuple[str, str, str] | None],
    progress: Callable[[Page], None],
) -> None:
    """Render each page's Markdown to sanitised HTML, reusing renders of unchanged files."""
    for page in pages:
        found = reuse(page)
        if found is not None:
            page.html, page.text, toc = found
            page.toc = json.loads(toc)
        else:
            page.html, page.toc = render_markdown(page.body)
            page.text = plain_text(page.html)
        progress(page)


def rendered(
    pages: Iterable[tuple[int, Page]],
    old: sqlite3.Connection | None,
    failed: Callable[[], bool],
    progress: Callable[[Page], None],
    batch: int = BATCH_PAGES,
) -> Iterator[tuple[int, Page]]:
    """Render pages a batch at a time; once `failed()`, only read on (to report every error)."""
    for chunk in batches(pages, batch):
        if failed():
            continue
        render_pages((page for _, page in chunk), lambda p: previous_render(old, p), progress)
        yield from chunk


def write_index(
    target: Path,
    pages: Iterable[tuple[int, Page]],
    checksum: str,
    lines: list[helplines.Helpline] = (),
    directory: dict | None = None,
    extra: dict | None = None,
    files: dict[str, FileState] | None = None,
    files_token: str = "",
    files_total: int = 0,
) -> int:
    """Write rendered pages, their search rows, the helplines and the file states; return
    how many pages were written.

    `pages` are (position, page) with source pages before their translations; a page's row
    id is its position + 1 (its place in path order), whatever order pages arrive in.
    """
    sources: dict[tuple[str | None, str], str] = {}
    written = 0
    with contextlib.closing(sqlite3.connect(target)) as conn:
        db = sqlite_utils.Database(conn)
        create_schema(db)
        with conn:
            for position, page in pages:
                if page.lang == SOURCE_LANG:
                    sources[page.key] = page.content_hash
                row = {"id": position + 1, **page_row(page, status(page, sources.get(page.key)))}
                conn.execute(
                    f"insert into pages ({', '.join(row)}) values ({', '.join('?' * len(row))})",  # noqa: S608 columns from page_row
                    list(row.values()),
                )
                fts_insert(conn, row["id"], page.lang, page.title, page.text)
                written += 1
            filestate.store(conn, files or {})
            db["helplines"].insert_all(
                {"id": line.id, "country": line.country, "data": json.dumps(asdict(line))}
                for line in lines
            )
            db["meta"].insert_all(
                [
                    {"key": "checksum", "value": checksum},
                    {"key": "helplines_directory", "value": json.dumps(directory or {})},
                    *(
                        {"key": key, "value": json.dumps(value or {}, default=str)}
                        for key, value in (extra or {}).items()
                    ),
                    {"key": "built_at", "value": dt.datetime.now(dt.UTC).isoformat()},
                    {"key": "build_version", "value": BUILD_VERSION},
                    {"key": "files_token", "value": files_token},
                    {
                        "key": "files_total",
                        "value": filestate.stored_total(files_token, files_total),
                    },
                ]
            )
        conn.execute("pragma optimize")
    return written

"""The content index: build it into a new SQLite file, then swap it in atomically (last stage)."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

import sqlite_utils

from .. import routefinder
from ..locales import SOURCE_LANG, UNSPACED_LANGS
from . import helplines, selfcheck
from .discover import content_files, discover
from .model import ContentError, Page
from .render import plain_text, render_markdown
from .search import normalize

# Bump when rendering or the schema changes, so every server rebuilds its index.
BUILD_VERSION = "5"
INDEX_NAME = "content-index.db"
WORD_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co Mn Mc'"
# Word table for spaced scripts; trigram (substring) table for scripts without spaces.
FTS_TABLES = {"fts_words": WORD_TOKENIZER, "fts_trigram": "trigram"}


class BuildFailed(Exception):
    """The content has errors; the previous index keeps serving."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__(f"{len(errors)} content error(s)")


def tracked_files(content_dir: Path) -> list[Path]:
    """Every file a build reads: Markdown pages and the data files."""
    return [*content_files(content_dir), *sorted((content_dir / "data").glob("*.yaml"))]


def tree_checksum(content_dir: Path) -> str:
    """Checksum of every content file's path and bytes, plus the build version."""
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for path in tracked_files(content_dir):
        digest.update(path.relative_to(content_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tree_fingerprint(content_dir: Path) -> tuple:
    """Cheap stat-based fingerprint (debug mode polls this, then checksums on change)."""
    return tuple(
        (p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in tracked_files(content_dir)
    )


def index_checksum(index_path: Path) -> str | None:
    """The content checksum recorded in an index file, or None when missing or unreadable."""
    if not index_path.exists():
        return None
    try:
        with contextlib.closing(connect(index_path)) as conn:
            row = conn.execute("select value from meta where key = 'checksum'").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def connect(index_path: Path) -> sqlite3.Connection:
    """Open the index read-only; a swap never disturbs an open connection (it keeps its inode)."""
    conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def _status(page: Page, sources: dict) -> str:
    if page.lang == SOURCE_LANG:
        return "source"
    source = sources[page.key]
    return "current" if page.source_hash == source.content_hash else "outdated"


def _row(page: Page, status: str) -> dict:
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
        "status": status,
    }


def _create_schema(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["helplines"].create({"id": str, "country": str, "data": str}, pk="id")
    db.execute(
        """create table pages (
            id integer primary key, lang text not null, topic text not null, slug text not null,
            kind text not null, path text not null, title text not null, summary text not null,
            html text not null, text text not null, toc text, reviewed text, sources text,
            countries text, source_hash text, content_hash text not null, file_hash text not null,
            translated_by text, reviewed_by text, lesson text, aliases text, status text not null,
            unique (lang, topic, slug))"""
    )
    for table, tokenizer in FTS_TABLES.items():
        db.execute(
            f"create virtual table {table} using fts5("
            f"title, body, tokenize=\"{tokenizer}\", content='')"
        )


def _previous_renders(index_path: Path) -> dict[str, tuple[str, str, str]]:
    """file_hash -> (html, text, toc) from the current index, so unchanged files skip rendering."""
    if index_checksum(index_path) is None:
        return {}
    with contextlib.closing(connect(index_path)) as conn:
        rows = conn.execute("select file_hash, html, text, toc from pages").fetchall()
    return {r["file_hash"]: (r["html"], r["text"], r["toc"]) for r in rows}


def render_pages(pages: Iterable[Page], reuse: dict, progress: Callable[[Page], None]) -> None:
    """Render each page's Markdown to sanitised HTML, reusing renders of unchanged files."""
    for page in pages:
        if page.file_hash in reuse:
            page.html, page.text, toc = reuse[page.file_hash]
            page.toc = json.loads(toc)
        else:
            page.html, page.toc = render_markdown(page.body)
            page.text = plain_text(page.html)
        progress(page)


def write_index(
    target: Path,
    pages: list[Page],
    checksum: str,
    lines: list[helplines.Helpline] = (),
    directory: dict | None = None,
    extra: dict | None = None,
) -> None:
    """Write pages, their search index and the helplines into a new SQLite file."""
    sources = {p.key: p for p in pages if p.lang == SOURCE_LANG}
    with contextlib.closing(sqlite3.connect(target)) as conn:
        db = sqlite_utils.Database(conn)
        _create_schema(db)
        with conn:
            for page in pages:
                row_id = db["pages"].insert(_row(page, _status(page, sources))).last_pk
                table = "fts_trigram" if page.lang in UNSPACED_LANGS else "fts_words"
                conn.execute(
                    f"insert into {table} (rowid, title, body) values (?, ?, ?)",  # noqa: S608
                    (row_id, normalize(page.title), normalize(page.text)),
                )
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
                ]
            )
        conn.execute("pragma optimize")


@contextlib.contextmanager
def build_lock(instance_dir: Path) -> Iterator[None]:
    """Serialise builds across processes (gunicorn workers start together)."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    with open(instance_dir / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(
    content_dir: Path,
    index_path: Path,
    progress: Callable[[Page], None] = lambda page: None,
    on_discovered: Callable[[int], None] = lambda count: None,
) -> int:
    """Build a fresh index and swap it in; raise BuildFailed (old index intact) on any error."""
    checksum = tree_checksum(content_dir)
    pages, errors = discover(content_dir)
    lines, directory, data_errors = helplines.load(content_dir)
    self_check, check_errors = selfcheck.load(content_dir)
    routes, route_errors = routefinder.load(content_dir)
    errors += data_errors + check_errors + route_errors
    if errors:
        raise BuildFailed(errors)
    on_discovered(len(pages))
    render_pages(pages, _previous_renders(index_path), progress)
    # Builds run under build_lock, so any temporary file here is left by a killed build.
    for stale in index_path.parent.glob(f".{index_path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    tmp = index_path.with_name(f".{index_path.name}.{os.getpid()}.tmp")
    try:
        extra = {"self_check": self_check, "routes": routes}
        write_index(tmp, pages, checksum, lines, directory, extra)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, index_path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(pages)


def ensure_fresh(content_dir: Path, index_path: Path) -> bool:
    """Build when the index is missing or its checksum differs; True when a build ran."""
    with build_lock(index_path.parent):
        if index_checksum(index_path) == tree_checksum(content_dir):
            return False
        build(content_dir, index_path)
        return True

"""The content index: build it into a new SQLite file and swap it in atomically (last stage).

Small edits are applied in place instead, by `incremental.py`; `ensure_fresh` chooses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

import sqlite_utils

from .. import routefinder
from ..locales import SOURCE_LANG
from . import filestate, helplines, selfcheck
from .discover import content_files, discover
from .filestate import FileState, Scan
from .model import ContentError, Page
from .render import plain_text, render_markdown
from .rows import fts_insert, page_row, status

# Bump when rendering, search.normalize or the schema changes, so every server rebuilds its
# index: incremental updates delete FTS rows by re-normalising the stored text, which must
# give exactly what was indexed.
BUILD_VERSION = "6"
INDEX_NAME = "content-index.db"
WORD_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co Mn Mc'"
# Word table for spaced scripts; trigram (substring) table for scripts without spaces.
FTS_TABLES = {"fts_words": WORD_TOKENIZER, "fts_trigram": "trigram"}
# Readers wait out an incremental update's commit (it holds the file's EXCLUSIVE lock for a
# few milliseconds) instead of failing with "database is locked".
READ_BUSY_TIMEOUT = 5.0


class BuildFailed(Exception):
    """The content has errors; the previous index keeps serving."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__(f"{len(errors)} content error(s)")


def tracked_files(content_dir: Path) -> list[Path]:
    """Every file a build reads: Markdown pages and the data files."""
    return [*content_files(content_dir), *sorted((content_dir / "data").glob("*.yaml"))]


def tree_checksum(content_dir: Path, recorded: dict[str, FileState] | None = None) -> str:
    """Checksum of every content file's path and bytes; only files unlike `recorded` are read."""
    return filestate.checksum(BUILD_VERSION, filestate.scan(content_dir, recorded or {}).files)


def tree_fingerprint(content_dir: Path) -> tuple:
    """Cheap stat-based fingerprint (debug mode polls this, then checksums on change)."""
    return tuple(
        sorted((rel, st.st_mtime_ns, st.st_size) for rel, st in filestate.walk(content_dir))
    )


def recorded_state(index_path: Path) -> tuple[dict[str, FileState] | None, str | None]:
    """The index's `files` rows and checksum; (None, None) when missing, unreadable or older."""
    if not index_path.exists():
        return None, None
    try:
        with contextlib.closing(connect(index_path)) as conn:
            meta = dict(conn.execute("select key, value from meta").fetchall())
            if meta.get("build_version") != BUILD_VERSION:
                return None, None
            files = filestate.load(conn, index_path, meta.get("files_token"))
            return files, meta.get("checksum")
    except sqlite3.DatabaseError:
        return None, None


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
    conn = sqlite3.connect(
        f"file:{index_path}?mode=ro", uri=True, timeout=READ_BUSY_TIMEOUT, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    return conn


def _create_schema(db: sqlite_utils.Database) -> None:
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
    files: dict[str, FileState] | None = None,
    files_token: str = "",
) -> None:
    """Write pages, their search index, the helplines and the file states into a new file."""
    sources = {p.key: p.content_hash for p in pages if p.lang == SOURCE_LANG}
    with contextlib.closing(sqlite3.connect(target)) as conn:
        db = sqlite_utils.Database(conn)
        _create_schema(db)
        with conn:
            for page in pages:
                row = page_row(page, status(page, sources.get(page.key)))
                row_id = db["pages"].insert(row).last_pk
                fts_insert(conn, row_id, page.lang, page.title, page.text)
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
                ]
            )
        conn.execute("pragma optimize")


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock shared by every process on this machine (flock on `path`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_lock(instance_dir: Path) -> contextlib.AbstractContextManager[None]:
    """Serialise builds across processes (gunicorn workers start together)."""
    return file_lock(instance_dir / "build.lock")


def build(
    content_dir: Path,
    index_path: Path,
    progress: Callable[[Page], None] = lambda page: None,
    on_discovered: Callable[[int], None] = lambda count: None,
    scan: Scan | None = None,
) -> int:
    """Build a fresh index and swap it in; raise BuildFailed (old index intact) on any error."""
    if scan is None:
        scan = filestate.scan(content_dir, recorded_state(index_path)[0] or {})
    checksum = filestate.checksum(BUILD_VERSION, scan.files)
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
        token = filestate.new_token()
        write_index(tmp, pages, checksum, lines, directory, extra, scan.files, token)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, index_path)
        filestate.remember(index_path, token, scan.files)
    finally:
        tmp.unlink(missing_ok=True)
    return len(pages)


def ensure_fresh(content_dir: Path, index_path: Path, changed: Iterable[str] | None = None) -> bool:
    """Update the index when missing or stale (in place when the change is small); True if so.

    `changed`: paths (relative to content_dir) the caller just wrote; only those are looked at.
    """
    from . import incremental  # it builds on this module

    with build_lock(index_path.parent):
        incremental.recover(index_path)
        recorded, stored = recorded_state(index_path)
        if recorded is None or stored is None:
            build(content_dir, index_path, scan=filestate.scan(content_dir, {}))
            return True
        scan = filestate.scan(content_dir, recorded, changed)
        # Nothing read and no file added or gone: the rows, so the checksum, are as recorded.
        if not scan.hashed and len(scan.files) == len(recorded):
            return False
        checksum = filestate.checksum(BUILD_VERSION, scan.files)
        if stored == checksum:  # only stats changed (a checkout, a touch): remember them
            incremental.refresh_stats(index_path, scan)
            return False
        try:
            if incremental.update(content_dir, index_path, recorded, scan, checksum):
                return True
        except sqlite3.OperationalError:  # e.g. a reader held the commit off: swap instead
            pass
        # A full build reads every file, so it records every file's state, not just the hint's.
        build(content_dir, index_path, scan=scan if changed is None else None)
        return True

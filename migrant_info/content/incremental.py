"""Apply a small content change to the index file in place, in one SQLite transaction.

Why this is safe for readers: the index keeps SQLite's rollback journal, not WAL (a full build
swaps the file with os.replace, and a WAL left next to the name would be replayed into the new
file; read-only openers of a WAL file also need its -shm). While an update runs it holds only a
RESERVED lock, so `mode=ro` readers keep reading the committed index. COMMIT takes the EXCLUSIVE
lock for the few milliseconds it writes the changed pages: statements already running finish
first, readers starting then wait (`index.READ_BUSY_TIMEOUT`). Every statement therefore sees
the index wholly before or wholly after the change (a request's several statements may straddle
it). A writer killed while committing leaves a hot journal that `mode=ro` connections cannot
roll back (SQLITE_READONLY_ROLLBACK); `recover` rolls it back at the next check (any process
start or editor save), under the build lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..locales import SOURCE_LANG
from . import filestate
from .discover import locate, parse_page
from .filestate import FileState, Scan
from .index import BUILD_VERSION, BuildFailed
from .model import ContentError, Page, SourceFacts, inherit
from .rows import fts_delete, fts_insert, page_row, status
from .writer import render_pages

# Beyond this many changed files a full build (one pass, no per-row lookups) is as quick.
MAX_CHANGES = 200
# The commit waits this long for running read statements, then gives up (and ensure_fresh
# swaps in a full build). Readers starting meanwhile wait too, so this stays well under
# index.READ_BUSY_TIMEOUT: a slow reader can delay others by this much, never fail them.
WRITE_BUSY_TIMEOUT = 2.0
ROW_COLUMNS = (
    "id, lang, path, title, text, html, toc, file_hash, content_hash, sources, reviewed, "
    "countries, aliases"
)


@dataclass
class Changes:
    """Tracked files whose bytes changed or appeared, and those that disappeared."""

    changed: list[str]
    removed: list[str]


def plan(scan: Scan) -> Changes | None:
    """What changed since the index was written, or None when only a full build will do."""
    recorded = scan.recorded
    changed = sorted(
        rel
        for rel, state in scan.changed.items()
        if rel not in recorded or recorded[rel].sha256 != state.sha256
    )
    removed = sorted(scan.removed)
    if len(changed) + len(removed) > MAX_CHANGES:
        return None
    # Data files feed helplines, checks and routes; a removed source orphans its translations.
    if any(rel.startswith(f"{filestate.DATA_DIR}/") for rel in changed + removed):
        return None
    if any(rel.split("/")[0] == SOURCE_LANG for rel in removed):
        return None
    return Changes(changed, removed)


def recover(index_path: Path) -> None:
    """Roll back a transaction left by a killed writer (read-only readers cannot)."""
    journal = index_path.with_name(f"{index_path.name}-journal")
    if journal.exists() and index_path.exists():
        with contextlib.closing(sqlite3.connect(index_path, timeout=WRITE_BUSY_TIMEOUT)) as conn:
            conn.execute("select count(*) from sqlite_master").fetchone()


def _writer(index_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(index_path, timeout=WRITE_BUSY_TIMEOUT, isolation_level=None)
    conn.row_factory = sqlite3.Row
    # Keep every changed page in memory until COMMIT: a spilled cache would take the
    # EXCLUSIVE lock early and hold readers off for the whole update.
    conn.execute("pragma cache_size = -131072")
    return conn


@contextlib.contextmanager
def _transaction(index_path: Path):
    conn = _writer(index_path)
    try:
        conn.execute("begin immediate")
        yield conn
        conn.execute("commit")
    except BaseException:
        if conn.in_transaction:
            conn.execute("rollback")
        raise
    finally:
        conn.close()


def refresh_stats(index_path: Path, scan: Scan, files_total: int) -> None:
    """Record new stats of files whose bytes did not change, so the next check reads nothing."""
    with _transaction(index_path) as conn:
        filestate.store(conn, scan.changed)
        token = filestate.stamp(conn, files_total)  # same bytes, so the same total
    filestate.remember(index_path, token, scan.files, files_total)


def _read(content_dir: Path, rel: str, state: FileState) -> tuple[Page, FileState]:
    data = (content_dir / rel).read_bytes()
    page = parse_page(data, rel)
    if page.file_hash != state.sha256:  # changed again since the scan: check it next time
        state = state._replace(ctime_ns=0, sha256=page.file_hash)
    return page, state


def _row_of(conn: sqlite3.Connection, lang: str, topic: str | None, slug: str) -> sqlite3.Row:
    return conn.execute(
        f"select {ROW_COLUMNS} from pages where lang = ? and topic = ? and slug = ?",  # noqa: S608 fixed columns
        (lang, topic or "", slug),
    ).fetchone()


def _facts(row: sqlite3.Row) -> SourceFacts:
    reviewed = dt.date.fromisoformat(row["reviewed"]) if row["reviewed"] else None
    return SourceFacts(
        row["content_hash"],
        json.loads(row["sources"] or "[]"),
        reviewed,
        json.loads(row["countries"] or "[]"),
        json.loads(row["aliases"] or "[]"),
    )


def update(content_dir: Path, index_path: Path, scan: Scan, files_total: int) -> bool:
    """Apply a small change in place; False when it needs a full build instead.

    `files_total` is the recorded files' total; the new one moves only by the files read.
    """
    changes = plan(scan)
    if changes is None:
        return False
    recorded, files = scan.recorded, dict(scan.files)
    pages, errors = [], []
    try:
        for rel in changes.changed:
            try:
                page, files[rel] = _read(content_dir, rel, scan.files[rel])
                pages.append(page)
            except ContentError as exc:
                errors.append(exc)
        if errors:
            raise BuildFailed(errors)
        with _transaction(index_path) as conn:
            _apply(conn, content_dir, pages, changes, files)  # reads translations too
            touched = {*scan.changed, *changes.removed, *(page.path for page in pages)}
            new_total = filestate.moved(files_total, recorded, files, touched)
            filestate.store(
                conn, {r: files[r] for r in touched if r in files and recorded.get(r) != files[r]}
            )
            conn.executemany("delete from files where path = ?", [(r,) for r in changes.removed])
            conn.executemany(
                "update meta set value = ? where key = ?",
                [
                    (filestate.checksum_of(BUILD_VERSION, new_total), "checksum"),
                    (dt.datetime.now(dt.UTC).isoformat(), "built_at"),
                ],
            )
            token = filestate.stamp(conn, new_total)
        filestate.remember(index_path, token, files, new_total)
    except FileNotFoundError:  # a file went away while we read: let the full build sort it out
        return False
    return True


def _apply(
    conn: sqlite3.Connection,
    content_dir: Path,
    pages: list[Page],
    changes: Changes,
    files: dict[str, FileState],
) -> None:
    """Validate against the index, render, and rewrite the rows of the affected pages."""
    sources: dict = {p.key: p for p in pages if p.lang == SOURCE_LANG}
    # A changed source changes its translations' inherited facts and status: re-read those.
    skip = set(changes.changed) | set(changes.removed)
    for topic, slug in list(sources):
        rows = conn.execute(
            "select path from pages where lang != ? and topic = ? and slug = ?",
            (SOURCE_LANG, topic or "", slug),
        ).fetchall()
        for (rel,) in rows:
            if rel not in skip:
                page, files[rel] = _read(content_dir, rel, files[rel])
                pages.append(page)
    errors, old_rows = [], {}
    for page in pages:
        old_rows[page.path] = _row_of(conn, page.lang, page.topic, page.slug)
        if page.lang == SOURCE_LANG:
            continue
        if page.key not in sources:
            row = _row_of(conn, SOURCE_LANG, *page.key)
            if row is None:
                errors.append(ContentError(page.path, "translation has no English source page"))
                continue
            sources[page.key] = _facts(row)
        inherit(page, sources[page.key])
    if errors:
        raise BuildFailed(errors)
    reuse = {r["file_hash"]: (r["html"], r["text"], r["toc"]) for r in old_rows.values() if r}
    render_pages(pages, lambda page: reuse.get(page.file_hash), lambda page: None)
    for rel in changes.removed:
        with contextlib.suppress(ContentError):
            old = _row_of(conn, *locate(tuple(rel.split("/")), rel))
            if old is not None:
                fts_delete(conn, old["id"], old["lang"], old["title"], old["text"])
                conn.execute("delete from pages where id = ?", (old["id"],))
    for page in pages:
        source = sources.get(page.key)
        row = page_row(page, status(page, source.content_hash if source else None))
        _write(conn, old_rows[page.path], row)


def _write(conn: sqlite3.Connection, old: sqlite3.Row | None, row: dict) -> None:
    """Insert a page, or update it in place (same id) and re-index it if its words changed."""
    columns = list(row)
    if old is None:
        cursor = conn.execute(
            f"insert into pages ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",  # noqa: S608 columns from page_row
            list(row.values()),
        )
        fts_insert(conn, cursor.lastrowid, row["lang"], row["title"], row["text"])
        return
    conn.execute(
        f"update pages set {', '.join(f'{c} = ?' for c in columns)} where id = ?",  # noqa: S608 columns from page_row
        [*row.values(), old["id"]],
    )
    if (old["title"], old["text"]) != (row["title"], row["text"]):
        fts_delete(conn, old["id"], old["lang"], old["title"], old["text"])
        fts_insert(conn, old["id"], row["lang"], row["title"], row["text"])

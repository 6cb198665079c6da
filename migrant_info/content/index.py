"""The content index: build it into a new SQLite file and swap it in atomically (last stage).

Small edits are applied in place instead, by `incremental.py`; `ensure_fresh` chooses.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .. import routefinder
from . import filestate, helplines, selfcheck
from .discover import content_files
from .filestate import FileState, Scan
from .model import ContentError, Page
from .pagestream import PageStream
from .writer import BATCH_PAGES, BUILD_VERSION, FTS_TABLES, rendered, write_index

__all__ = ["BUILD_VERSION", "FTS_TABLES"]  # used through this module

INDEX_NAME = "content-index.db"
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
    data = sorted((content_dir / "data").glob("*.yaml"))
    return [*content_files(content_dir), *(p for p in data if not p.name.startswith("."))]


def tree_checksum(content_dir: Path, recorded: dict[str, FileState] | None = None) -> str:
    """Checksum of every content file's path and bytes; only files unlike `recorded` are read."""
    return filestate.checksum(BUILD_VERSION, filestate.scan(content_dir, recorded or {}).files)


def tree_fingerprint(content_dir: Path) -> tuple:
    """Cheap stat-based fingerprint (debug mode polls this, then checksums on change)."""
    return tuple(
        sorted((rel, st.st_mtime_ns, st.st_size) for rel, st in filestate.walk(content_dir))
    )


def recorded_state(
    index_path: Path,
) -> tuple[dict[str, FileState] | None, str | None, int]:
    """The index's `files` rows, checksum and files total; (None, None, 0) when missing,
    unreadable or older."""
    if not index_path.exists():
        return None, None, 0
    try:
        with contextlib.closing(connect(index_path)) as conn:
            meta = dict(conn.execute("select key, value from meta").fetchall())
            if meta.get("build_version") != BUILD_VERSION:
                return None, None, 0
            token, stored = meta.get("files_token"), meta.get("files_total")
            files, files_total = filestate.load(conn, index_path, token, stored)
            return files, meta.get("checksum"), files_total
    except sqlite3.DatabaseError:
        return None, None, 0


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


def _old_index(index_path: Path) -> sqlite3.Connection | None:
    """The current index, to reuse renders of unchanged files; None if missing or older."""
    if not index_path.exists():
        return None
    conn = connect(index_path)
    try:
        row = conn.execute("select value from meta where key = 'build_version'").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None or row[0] != BUILD_VERSION:
        conn.close()
        return None
    return conn


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
    batch: int = BATCH_PAGES,
) -> int:
    """Build a fresh index and swap it in; raise BuildFailed (old index intact) on any error.

    Pages stream from the files into the new index `batch` at a time (see `writer`).
    """
    if scan is None:
        scan = filestate.scan(content_dir, recorded_state(index_path)[0] or {})
    files_total = filestate.total(scan.files)
    checksum = filestate.checksum_of(BUILD_VERSION, files_total)
    lines, directory, data_errors = helplines.load(content_dir)
    self_check, check_errors = selfcheck.load(content_dir)
    routes, route_errors = routefinder.load(content_dir)
    data_errors += check_errors + route_errors
    stream = PageStream(content_dir)
    on_discovered(len(stream))
    # Builds run under build_lock, so any temporary file here is left by a killed build.
    for stale in index_path.parent.glob(f".{index_path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    tmp = index_path.with_name(f".{index_path.name}.{os.getpid()}.tmp")
    old = _old_index(index_path)
    try:
        pages = rendered(stream, old, lambda: bool(data_errors) or stream.failed, progress, batch)
        extra = {"self_check": self_check, "routes": routes}
        token = filestate.new_token()
        count = write_index(
            tmp, pages, checksum, lines, directory, extra, scan.files, token, files_total
        )
        if stream.failed or data_errors:
            raise BuildFailed(stream.errors + data_errors)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, index_path)
        filestate.remember(index_path, token, scan.files, files_total)
    finally:
        if old is not None:
            old.close()
        tmp.unlink(missing_ok=True)
    return count


def ensure_fresh(content_dir: Path, index_path: Path, changed: Iterable[str] | None = None) -> bool:
    """Update the index when missing or stale (in place when the change is small); True if so.

    `changed`: paths (relative to content_dir) the caller just wrote; only those are looked at.
    """
    from . import incremental  # it builds on this module

    with build_lock(index_path.parent):
        incremental.recover(index_path)
        recorded, stored, files_total = recorded_state(index_path)
        if recorded is None or stored is None:
            build(content_dir, index_path, scan=filestate.scan(content_dir, {}))
            return True
        scan = filestate.scan(content_dir, recorded, changed)
        if not scan.changed and not scan.removed:  # every stat as recorded: nothing to do
            return False
        if scan.same_bytes:  # only stats changed (a checkout, a touch): remember them
            incremental.refresh_stats(index_path, scan, files_total)
            return False
        try:
            if incremental.update(content_dir, index_path, scan, files_total):
                return True
        except sqlite3.OperationalError:  # e.g. a reader held the commit off: swap instead
            pass
        # A full build reads every file, so it records every file's state, not just the hint's.
        build(content_dir, index_path, scan=scan if changed is None else None)
        return True

"""The content pipeline: discover → render → sanitise → index, and the read side."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from flask import Flask, abort, current_app, g

from .. import db
from . import index

T = TypeVar("T")
# Per thread, the index connection is kept while the file keeps its inode (a full build swaps
# in a new file; an in-place update keeps the inode and SQLite sees its changes by itself).
_connections = db.ThreadConnections()

__all__ = [
    "available_languages",
    "get_index",
    "index_version",
    "init_app",
    "memoized",
    "notify_listeners",
    "rebuild_now",
    "require_language",
]


def index_version() -> tuple[int, int, int] | None:
    """Identity of the index file (inode, size, mtime), read once per request; None if missing."""
    if "index_version" not in g:
        try:
            st = os.stat(current_app.config["INDEX_PATH"])
            g.index_version = (st.st_ino, st.st_size, st.st_mtime_ns)
        except FileNotFoundError:
            g.index_version = None
    return g.index_version


def get_index() -> sqlite3.Connection:
    """This request's read-only connection to the content index (the thread's, reused)."""
    if "content_index" not in g:
        path = Path(current_app.config["INDEX_PATH"])
        if os.path.exists(f"{path}-journal"):
            # A writer killed mid-update leaves a hot journal that read-only connections
            # cannot roll back; a writable one does on its first read (and only waits while a
            # live writer holds the file).
            from .incremental import recover

            # If it times out behind a slow writer, this request reads as it would have.
            with contextlib.suppress(sqlite3.OperationalError):
                recover(path)
        version = index_version()
        inode = version[0] if version else None
        g.content_index = _connections.get((str(path), inode), lambda: index.connect(path))
    return g.content_index


def memoized(read: Callable[..., T], *args: object) -> T:
    """`read(get_index(), *args)`, kept per index version: for small results many pages show
    (languages, topic lists), never for page bodies, so memory stays flat."""
    version = index_version()
    if version is None:
        return read(get_index(), *args)
    return current_app.extensions["index_memo"](version, read, args)


def _memo(entries: int) -> Callable:
    @lru_cache(maxsize=entries)
    def call(version: tuple, read: Callable, args: tuple) -> object:
        return read(get_index(), *args)

    return call


def available_languages() -> list[str]:
    """Languages with content."""
    from .store import languages

    return memoized(languages)


def require_language(lang: str) -> None:
    """404 (in a language the reader can read) for a language the site does not have."""
    if lang not in available_languages():
        abort(404)


def _release_index(exc: BaseException | None = None) -> None:
    g.pop("content_index", None)
    g.pop("index_version", None)


def _build_if_stale(app: Flask) -> None:
    """Build the index when missing or stale; a broken build keeps the last good index."""
    content_dir, index_path = Path(app.config["CONTENT_DIR"]), Path(app.config["INDEX_PATH"])
    try:
        index.ensure_fresh(content_dir, index_path)
    except index.BuildFailed as failed:
        for error in failed.errors:
            app.logger.error("content error: %s", error)
        if index.index_checksum(index_path) is None:
            raise
        app.logger.error("serving the last good content index")


def notify_listeners(app: Flask) -> None:
    """Tell other parts (short links…) that the index may have changed."""
    # The listeners read the index as it is now: an app context that lives across changes
    # (`flask content watch`) must not keep reading a file that a full build swapped out.
    _release_index()
    for listener in app.extensions.get("index_listeners", []):
        listener()


def rebuild_now(app: Flask, changed: list[str] | None = None) -> None:
    """Rebuild after an edit and show this request the new index (raises index.BuildFailed).

    `changed`: the content paths the edit wrote (e.g. 'ne/rights/passport.md'); only those are
    checked, so a save costs the same at 30,000 pages as at 300.
    """
    content_dir, index_path = Path(app.config["CONTENT_DIR"]), Path(app.config["INDEX_PATH"])
    index.ensure_fresh(content_dir, index_path, changed)
    notify_listeners(app)  # which also drops this request's connection to the old file


def init_app(app: Flask) -> None:
    """Check the index once per process before the first request (every request in debug)."""
    app.teardown_appcontext(_release_index)
    app.extensions["index_memo"] = _memo(256)
    if not app.config["CONTENT_AUTO_BUILD"]:
        return
    content_dir = Path(app.config["CONTENT_DIR"])
    lock = threading.Lock()
    # CLI commands never pay for a build; a server checks before it answers anyone.
    state: dict = {"checked": False, "fingerprint": None}

    @app.errorhandler(index.BuildFailed)
    def no_index(failed: index.BuildFailed) -> tuple[str, int, dict]:
        """No good index exists yet and the content has errors: say so, don't crash."""
        return (
            "The site's content has errors and no earlier version exists. Try later.",
            503,
            {
                "Content-Type": "text/plain; charset=utf-8",
                "Retry-After": "60",
            },
        )

    @app.before_request
    def index_is_fresh() -> None:
        if state["checked"] and not app.debug:
            return
        with lock:
            # Only debug mode polls, so only it needs the stat fingerprint: a server's one
            # check at start walks the tree once (ensure_fresh), not twice.
            fingerprint = index.tree_fingerprint(content_dir) if app.debug else None
            if not state["checked"] or fingerprint != state["fingerprint"]:
                _build_if_stale(app)
                notify_listeners(app)
                state["checked"], state["fingerprint"] = True, fingerprint

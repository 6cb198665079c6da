"""The content pipeline: discover → render → sanitise → index, and the read side."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from flask import Flask, abort, current_app, g

from . import index

__all__ = [
    "available_languages",
    "get_index",
    "init_app",
    "notify_listeners",
    "rebuild_now",
    "require_language",
]


def get_index() -> sqlite3.Connection:
    """This request's read-only connection to the content index."""
    if "content_index" not in g:
        g.content_index = index.connect(Path(current_app.config["INDEX_PATH"]))
    return g.content_index


def available_languages() -> list[str]:
    """Languages with content, read once per request."""
    if "languages" not in g:
        from .store import languages

        g.languages = languages(get_index())
    return g.languages


def require_language(lang: str) -> None:
    """404 (in a language the reader can read) for a language the site does not have."""
    if lang not in available_languages():
        abort(404)


def _close_index(exc: BaseException | None = None) -> None:
    conn = g.pop("content_index", None)
    if conn is not None:
        conn.close()


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
    for listener in app.extensions.get("index_listeners", []):
        listener()


def rebuild_now(app: Flask, changed: list[str] | None = None) -> None:
    """Rebuild after an edit and show this request the new index (raises index.BuildFailed).

    `changed`: the content paths the edit wrote (e.g. 'ne/rights/passport.md'); only those are
    checked, so a save costs the same at 30,000 pages as at 300.
    """
    content_dir, index_path = Path(app.config["CONTENT_DIR"]), Path(app.config["INDEX_PATH"])
    index.ensure_fresh(content_dir, index_path, changed)
    _close_index()  # this request's connection still reads the old file
    g.pop("languages", None)
    notify_listeners(app)


def init_app(app: Flask) -> None:
    """Check the index once per process before the first request (every request in debug)."""
    app.teardown_appcontext(_close_index)
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

"""The content pipeline: discover → render → sanitise → index, and the read side."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask, current_app, g

from . import index

__all__ = ["get_index", "init_app"]


def get_index() -> sqlite3.Connection:
    """This request's read-only connection to the content index."""
    if "content_index" not in g:
        g.content_index = index.connect(Path(current_app.config["INDEX_PATH"]))
    return g.content_index


def _close_index(exc: BaseException | None = None) -> None:
    conn = g.pop("content_index", None)
    if conn is not None:
        conn.close()


def _reload_when_edited(app: Flask) -> None:
    """Debug mode only: rebuild when a content file changed since the last look."""
    content_dir = Path(app.config["CONTENT_DIR"])
    state = {"fingerprint": index.tree_fingerprint(content_dir)}

    @app.before_request
    def rebuild_if_edited() -> None:
        fingerprint = index.tree_fingerprint(content_dir)
        if fingerprint != state["fingerprint"]:
            state["fingerprint"] = fingerprint
            try:
                index.ensure_fresh(content_dir, Path(app.config["INDEX_PATH"]))
            except index.BuildFailed as failed:
                for error in failed.errors:
                    app.logger.error("content error: %s", error)


def init_app(app: Flask) -> None:
    """Build the index if it is missing or stale, and close connections after each request."""
    app.teardown_appcontext(_close_index)
    if app.config["CONTENT_AUTO_BUILD"]:
        content_dir, index_path = Path(app.config["CONTENT_DIR"]), Path(app.config["INDEX_PATH"])
        try:
            index.ensure_fresh(content_dir, index_path)
        except index.BuildFailed as failed:
            for error in failed.errors:
                app.logger.error("content error: %s", error)
            if index.index_checksum(index_path) is None:
                raise
            app.logger.error("serving the last good content index")
        if app.debug:
            _reload_when_edited(app)

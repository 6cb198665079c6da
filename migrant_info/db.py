"""The state database (instance/migrant_info.db): everything that must never be lost.

Connections use WAL and a busy timeout. Each thread keeps its connection across requests
(`ThreadConnections`): opening one costs ~0.4 ms, mostly SQLite reading the schema on the first
statement, which is more than the lookups most requests make. Schema changes are ordered,
named, transactional steps recorded in the `migrations` table.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Hashable
from contextlib import closing
from pathlib import Path

import click
import sqlite_utils
from flask import Flask, current_app, g
from flask.cli import AppGroup

DB_NAME = "migrant_info.db"
BUSY_TIMEOUT_MS = 5000


def _short_links(db: sqlite_utils.Database) -> None:
    db.execute(
        """create table short_links (
            code text primary key, lang text not null, topic text not null, slug text not null,
            created text not null, removed text, unique (lang, topic, slug))"""
    )
    db.execute(
        """create table short_link_opens (
            code text not null, day text not null, opens integer not null default 0,
            primary key (code, day))"""
    )


def _push(db: sqlite_utils.Database) -> None:
    db.execute(
        """create table subscriptions (
            id integer primary key, endpoint text not null unique, p256dh text not null,
            auth text not null, lang text not null, topics text not null, countries text not null,
            created text not null)"""
    )
    db.execute(
        """create table notices (
            id integer primary key, created text not null, texts text not null, url text not null,
            langs text not null, topics text not null, countries text not null,
            urgency text not null, ttl integer not null, topic_key text)"""
    )
    db.execute(
        """create table deliveries (
            notice_id integer not null references notices (id),
            subscription_id integer not null, status text not null, attempts integer not null,
            updated text not null, primary key (notice_id, subscription_id))"""
    )


def _editors(db: sqlite_utils.Database) -> None:
    db.execute(
        """create table users (
            id integer primary key, name text not null unique, password_hash text not null,
            role text not null, langs text not null default '', disabled integer not null default 0,
            created text not null, password_changed text not null)"""
    )
    # Only a hash of the session token is stored: a copy of the database opens no session.
    db.execute(
        """create table editor_sessions (
            token_hash text primary key, user_id integer not null references users (id),
            created text not null, last_seen text not null)"""
    )
    # Keys are "account:<name>" or "client:<keyed hash>", never an address.
    db.execute("create table login_failures (key text not null, at text not null)")
    db.execute("create index login_failures_key on login_failures (key, at)")
    db.execute(
        """create table revisions (
            id integer primary key, path text not null, author text not null,
            created text not null, action text not null, text text not null,
            file_hash text not null)"""
    )
    db.execute("create index revisions_path on revisions (path, id)")
    db.execute(
        """create table source_versions (
            hash text primary key, path text not null, title text not null,
            summary text not null, body text not null, first_seen text not null)"""
    )


def _stats(db: sqlite_utils.Database) -> None:
    # Aggregate counts only: a day (or month) and the page's dimensions, never a visit or reader.
    # `detail` is '' or a keyed hash of a search query, a country code, a tool name.
    for table, period in (("stats_daily", "day"), ("stats_monthly", "month")):
        db.execute(
            f"""create table {table} (
                {period} text not null, metric text not null, lang text not null,
                topic text not null, slug text not null, detail text not null,
                count integer not null,
                primary key ({period}, metric, lang, topic, slug, detail))"""
        )
    # A query's text is kept only once enough searches share it (see stats/store.py).
    db.execute(
        """create table stats_search_terms (
            lang text not null, qhash text not null, text text not null, first_shown text not null,
            primary key (lang, qhash))"""
    )
    # "What was missing?" answers: the day and the page, nothing about who wrote them.
    db.execute(
        """create table stats_feedback (
            id integer primary key, day text not null, lang text not null, topic text not null,
            slug text not null, text text not null, hidden integer not null default 0)"""
    )
    # Rate limit across processes; keys are keyed hashes of the client address, purged hourly.
    db.execute("create table stats_feedback_limit (key text not null, at text not null)")
    db.execute("create index stats_feedback_limit_key on stats_feedback_limit (key, at)")


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_short_links", _short_links),
    ("0002_push", _push),
    ("0003_editors", _editors),
    ("0004_stats", _stats),
]
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode with a busy timeout; autocommit unless a transaction is begun."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("pragma journal_mode = wal")
    # WAL with synchronous=NORMAL never corrupts; a power cut may lose the last commits only.
    conn.execute("pragma synchronous = normal")
    conn.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("pragma foreign_keys = on")
    return conn


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return their names."""
    conn.execute("create table if not exists migrations (name text primary key, applied text)")
    applied = []
    for name, step in MIGRATIONS:
        conn.execute("begin immediate")
        try:
            done = conn.execute("select 1 from migrations where name = ?", (name,)).fetchone()
            if not done:
                step(sqlite_utils.Database(conn))
                conn.execute(
                    "insert into migrations values (?, ?)",
                    (name, dt.datetime.now(dt.UTC).isoformat()),
                )
                applied.append(name)
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
    return applied


def path_for(app: Flask) -> Path:
    """Where this app's state database lives."""
    return Path(app.instance_path) / DB_NAME


class ThreadConnections:
    """One open connection per thread, kept across requests and replaced when its key changes.

    The key names what the connection must point at (a path, or a path and inode); the process
    id is part of it, so a connection is never used on both sides of a fork. A thread keeps
    only its latest connection, so a test run that makes hundreds of apps holds one per thread.
    """

    def __init__(self) -> None:
        self.local = threading.local()

    def get(self, key: Hashable, opener: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
        """This thread's connection for `key`, opened with `opener` when it has none."""
        held = getattr(self.local, "held", None)
        full_key = (os.getpid(), key)
        if held is not None and held[0] == full_key:
            return held[1]
        # A connection inherited across a fork is dropped, never closed: SQLite's handle
        # must not be touched in the child.
        if held is not None and held[0][0] == full_key[0]:
            held[1].close()
        conn = opener()
        self.local.held = (full_key, conn)
        return conn


_connections = ThreadConnections()


def get_db() -> sqlite3.Connection:
    """This thread's connection to the state database, migrated on first use per process."""
    if "state_db" not in g:
        path = path_for(current_app._get_current_object())
        key = str(path)
        conn = _connections.get(key, lambda: connect(path))
        if key not in _migrated:
            with _migrate_lock:
                migrate(conn)
                _migrated.add(key)
        g.state_db = conn
    return g.state_db


def _release(exc: BaseException | None = None) -> None:
    # The connection stays open for the thread's next request, never inside a transaction.
    conn = g.pop("state_db", None)
    if conn is not None and conn.in_transaction:
        conn.rollback()


def backup(source: Path, target: Path) -> None:
    """Copy a live database consistently with SQLite's online backup API (WAL included)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


db_cli = AppGroup("db", help="The state database (short links, push, editors, revisions, counts).")


@db_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the state database to PATH while the site keeps running."""
    backup(path_for(current_app), path)
    with closing(sqlite3.connect(path)) as copy:
        status = copy.execute("pragma integrity_check").fetchone()[0]
    click.echo(f"Backed up to {path} (integrity: {status}).")


@db_cli.command("migrate")
def migrate_command() -> None:
    """Apply pending schema migrations (the server also does this on first use)."""
    with closing(connect(path_for(current_app))) as conn:
        applied = migrate(conn)
    click.echo("Applied: " + ", ".join(applied) if applied else "Up to date.")


def init_app(app: Flask) -> None:
    """End any transaction a request left open; add `flask db`."""
    app.teardown_appcontext(_release)
    app.cli.add_command(db_cli)

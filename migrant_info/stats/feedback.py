"""'Was this helpful?': the rate limit (shared by every process) and the moderated answers."""

from __future__ import annotations

import datetime as dt
import sqlite3
import unicodedata


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def clean_text(raw: str, limit: int) -> str:
    """Printable text only, spaces collapsed, cut to `limit` characters."""
    text = "".join(
        ch if unicodedata.category(ch)[0] != "C" else " "
        for ch in unicodedata.normalize("NFC", raw)
    )
    return " ".join(text.split())[:limit]


def allow(conn: sqlite3.Connection, key: str, limit: int, window: int) -> bool:
    """Record one post by this client unless it already made `limit` within `window` seconds.

    `key` is a keyed hash of the client address; rows older than the window are deleted, so
    nothing about a client outlives the window.
    """
    now = _now()
    since = (now - dt.timedelta(seconds=window)).isoformat()
    conn.execute("begin immediate")
    try:
        conn.execute("delete from stats_feedback_limit where at <= ?", (since,))
        used = conn.execute(
            "select count(*) from stats_feedback_limit where key = ?", (key,)
        ).fetchone()[0]
        if used >= limit:
            conn.execute("commit")
            return False
        conn.execute(
            "insert into stats_feedback_limit (key, at) values (?, ?)", (key, now.isoformat())
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return True


def add_comment(conn: sqlite3.Connection, lang: str, topic: str, slug: str, text: str) -> int:
    """Store an answer to 'what was missing?' with its day and page only; return its id."""
    cursor = conn.execute(
        "insert into stats_feedback (day, lang, topic, slug, text) values (?, ?, ?, ?, ?)",
        (_now().date().isoformat(), lang, topic, slug, text),
    )
    return cursor.lastrowid


def comments(conn: sqlite3.Connection, include_hidden: bool = True, limit: int = 200) -> list[dict]:
    """The newest answers for moderation."""
    rows = conn.execute(
        "select * from stats_feedback where hidden = 0 or ? order by id desc limit ?",
        (1 if include_hidden else 0, limit),
    ).fetchall()
    return [dict(r) for r in rows]


def moderate(conn: sqlite3.Connection, comment_id: int, action: str) -> bool:
    """Hide, show or delete one answer; False when there is no such answer or action."""
    if action == "delete":
        cursor = conn.execute("delete from stats_feedback where id = ?", (comment_id,))
    elif action in ("hide", "show"):
        cursor = conn.execute(
            "update stats_feedback set hidden = ? where id = ?",
            (1 if action == "hide" else 0, comment_id),
        )
    else:
        return False
    return cursor.rowcount == 1

"""Editor sessions: login with a shared rate limit, server-side session rows, role checks."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Callable
from ipaddress import ip_address

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import SecurityError

from ..db import get_db
from .accounts import User, user_by_id


class EditorSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure except for plain http on a loopback address."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure unless this very request is http://127.0.0.1 (or ::1, localhost)."""
        try:
            host = request.host if request else ""
        except SecurityError:  # a Host outside TRUSTED_HOSTS: the 400 is on its way
            return True
        return not (request.scheme == "http" and is_loopback(host))


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses, with or without a port."""
    if host.startswith("["):
        name = host[1:].split("]", 1)[0]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if name == "localhost":
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_key() -> str:
    """A keyed hash of the client address: limits per client without storing the address."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    digest = hmac.new(secret, (request.remote_addr or "").encode(), hashlib.sha256)
    return "client:" + digest.hexdigest()[:24]


def _failure_keys(name: str) -> list[tuple[str, int, int]]:
    """(key, allowed failures, window in seconds) for the account and for the client."""
    config = current_app.config
    return [
        ("account:" + name.strip().lower(), *config["LOGIN_LIMIT_ACCOUNT"]),
        (client_key(), *config["LOGIN_LIMIT_CLIENT"]),
    ]


def _since(seconds: int) -> str:
    return (_now() - dt.timedelta(seconds=seconds)).isoformat()


def login_blocked(conn: sqlite3.Connection, name: str) -> bool:
    """True when this account or this client failed too often within its window.

    Counted in SQLite, so the limit holds across every gunicorn worker.
    """
    for key, limit, window in _failure_keys(name):
        count = conn.execute(
            "select count(*) from login_failures where key = ? and at > ?", (key, _since(window))
        ).fetchone()[0]
        if count >= limit:
            return True
    return False


def record_failure(conn: sqlite3.Connection, name: str) -> None:
    """Count a failed login for the account and the client; forget failures past the window."""
    keys = _failure_keys(name)
    longest = max(window for _, _, window in keys)
    now = _now().isoformat()
    conn.execute("begin immediate")
    conn.execute("delete from login_failures where at <= ?", (_since(longest),))
    conn.executemany(
        "insert into login_failures (key, at) values (?, ?)", [(key, now) for key, _, _ in keys]
    )
    conn.execute("commit")


def start_session(conn: sqlite3.Connection, user: User) -> None:
    """Replace whatever session the browser had with a new one (no fixation)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    now = _now().isoformat()
    conn.execute("begin immediate")
    conn.execute("delete from login_failures where key = ?", ("account:" + user.name,))
    conn.execute(
        "insert into editor_sessions (token_hash, user_id, created, last_seen) values (?, ?, ?, ?)",
        (_token_hash(token), user.id, now, now),
    )
    conn.execute("commit")
    session["sid"] = token


def end_session(conn: sqlite3.Connection) -> None:
    """Forget this browser's session on the server and in the cookie."""
    token = session.get("sid")
    if token:
        conn.execute("delete from editor_sessions where token_hash = ?", (_token_hash(token),))
    session.clear()


def load_user() -> None:
    """Set g.editor from the session row, ending sessions idle or older than allowed."""
    g.editor = None
    token = session.get("sid")
    if not isinstance(token, str):
        return
    conn = get_db()
    row = conn.execute(
        "select * from editor_sessions where token_hash = ?", (_token_hash(token),)
    ).fetchone()
    if row is None:
        session.pop("sid", None)
        return
    now = _now()
    idle = dt.timedelta(minutes=current_app.config["EDITOR_IDLE_MINUTES"])
    lifetime = dt.timedelta(hours=current_app.config["EDITOR_SESSION_HOURS"])
    last_seen = dt.datetime.fromisoformat(row["last_seen"])
    user = user_by_id(conn, row["user_id"])
    if (
        user is None
        or user.disabled
        or now - last_seen > idle
        or now - dt.datetime.fromisoformat(row["created"]) > lifetime
    ):
        end_session(conn)
        g.session_expired = True
        return
    if now - last_seen > dt.timedelta(seconds=60):  # one write a minute is enough
        conn.execute(
            "update editor_sessions set last_seen = ? where token_hash = ?",
            (now.isoformat(), row["token_hash"]),
        )
    g.editor = user


def safe_next(target: str | None) -> str:
    """Where to go after login: only a path inside the editors' area, never another site."""
    if (
        target
        and target.startswith("/editor")
        and not target.startswith("//")
        and "\\" not in target
        and all(ord(ch) > 31 for ch in target)
    ):
        return target
    return url_for("editor.dashboard")


def login_required(view: Callable) -> Callable:
    """Send visitors without a session to the login page, keeping where they were going."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("editor") is None:
            expired = {"expired": 1} if g.get("session_expired") else {}
            return redirect(url_for("editor.login", next=request.full_path.rstrip("?"), **expired))
        return view(*args, **kwargs)

    return wrapped


def require_lang(lang: str) -> None:
    """403 unless the logged-in account may edit this language."""
    if not g.editor.can_edit(lang):
        abort(403, f"Your account may edit {', '.join(g.editor.langs) or 'no language'} only.")


def require_role(*roles: str) -> None:
    """403 unless the logged-in account has one of these roles."""
    if g.editor.role not in roles:
        abort(403, "Your account does not have the rights for this.")

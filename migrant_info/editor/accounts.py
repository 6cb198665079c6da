"""Editor accounts: roles, language rights, password rules and hashing."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..locales import is_known_language

ROLES = ("translator", "editor", "admin")
MIN_PASSWORD_LENGTH = 12
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
# Checked when no account matches, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")


class AccountError(ValueError):
    """A request about accounts that cannot be done, with a message for the person asking."""


@dataclass(frozen=True)
class User:
    """An editor account as the views need it."""

    id: int
    name: str
    role: str
    langs: tuple[str, ...]
    disabled: bool

    def can_edit(self, lang: str) -> bool:
        """Editors and admins edit every language; translators only their own."""
        return self.role in ("editor", "admin") or lang in self.langs

    @property
    def is_admin(self) -> bool:
        """Admins manage accounts and languages."""
        return self.role == "admin"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _user(row: sqlite3.Row) -> User:
    langs = tuple(code for code in row["langs"].split(",") if code)
    return User(row["id"], row["name"], row["role"], langs, bool(row["disabled"]))


def password_problem(password: str, name: str = "") -> str | None:
    """Why a password is refused (too short, common or guessable), or None if it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    # zxcvbn knows the common-password lists and keyboard patterns; score 3 is "safely
    # unguessable" for an online attack, which the login rate limit also slows down.
    result = zxcvbn(password[:100], user_inputs=[name, "migrant", "migrant_info"])
    if result["score"] < 3:
        hint = result["feedback"]["warning"] or "This password is easy to guess."
        return f"{hint} Try a longer phrase of unrelated words."
    return None


def generate_password() -> str:
    """A random password that passes the rules, for printing once."""
    return secrets.token_urlsafe(15)


def check_name(name: str) -> str:
    """A login name: lowercase letters, digits, '.', '_' or '-', 2–40 characters."""
    name = name.strip().lower()
    if not 2 <= len(name) <= 40 or not set(name) <= NAME_CHARS:
        raise AccountError("Names use 2–40 lowercase letters, digits, '.', '_' or '-'.")
    return name


def check_langs(langs: list[str]) -> tuple[str, ...]:
    """Language codes Babel knows, in the order given."""
    cleaned = tuple(dict.fromkeys(code.strip() for code in langs if code.strip()))
    unknown = [code for code in cleaned if not is_known_language(code)]
    if unknown:
        raise AccountError(f"Unknown language code: {unknown[0]}")
    return cleaned


def add_user(
    conn: sqlite3.Connection, name: str, role: str, password: str, langs: list[str] = ()
) -> User:
    """Create an account; raise AccountError for a taken name, bad role, langs or password."""
    name = check_name(name)
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}.")
    codes = check_langs(list(langs))
    if role == "translator" and not codes:
        raise AccountError("A translator needs at least one language (--lang ne,bn).")
    problem = password_problem(password, name)
    if problem:
        raise AccountError(problem)
    now = _now()
    try:
        conn.execute(
            "insert into users (name, password_hash, role, langs, created, password_changed)"
            " values (?, ?, ?, ?, ?, ?)",
            (name, generate_password_hash(password), role, ",".join(codes), now, now),
        )
    except sqlite3.IntegrityError:
        raise AccountError(f"The name '{name}' is taken.") from None
    return get_user(conn, name)


def get_user(conn: sqlite3.Connection, name: str) -> User | None:
    """The account with this name, or None."""
    row = conn.execute("select * from users where name = ?", (name.strip().lower(),)).fetchone()
    return _user(row) if row else None


def user_by_id(conn: sqlite3.Connection, user_id: int) -> User | None:
    """The account with this id, or None."""
    row = conn.execute("select * from users where id = ?", (user_id,)).fetchone()
    return _user(row) if row else None


def list_users(conn: sqlite3.Connection) -> list[User]:
    """Every account, by name."""
    return [_user(row) for row in conn.execute("select * from users order by name")]


def verify(conn: sqlite3.Connection, name: str, password: str) -> User | None:
    """The enabled account whose password matches, else None (same work either way)."""
    row = conn.execute("select * from users where name = ?", (name.strip().lower(),)).fetchone()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(row["password_hash"], password) or row["disabled"]:
        return None
    return _user(row)


def set_password(conn: sqlite3.Connection, name: str, password: str) -> None:
    """Change a password (after the rules) and end the account's sessions."""
    user = get_user(conn, name)
    if user is None:
        raise AccountError(f"No account named '{name}'.")
    problem = password_problem(password, user.name)
    if problem:
        raise AccountError(problem)
    conn.execute("begin immediate")
    conn.execute(
        "update users set password_hash = ?, password_changed = ? where id = ?",
        (generate_password_hash(password), _now(), user.id),
    )
    conn.execute("delete from editor_sessions where user_id = ?", (user.id,))
    conn.execute("commit")


def set_disabled(conn: sqlite3.Connection, name: str, disabled: bool = True) -> None:
    """Disable (or enable) an account; disabling ends its sessions at once."""
    user = get_user(conn, name)
    if user is None:
        raise AccountError(f"No account named '{name}'.")
    conn.execute("begin immediate")
    conn.execute("update users set disabled = ? where id = ?", (int(disabled), user.id))
    if disabled:
        conn.execute("delete from editor_sessions where user_id = ?", (user.id,))
    conn.execute("commit")

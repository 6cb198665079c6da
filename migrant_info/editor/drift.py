"""Source versions kept by hash, and which source paragraphs changed since a translation."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..content.checks import git_versions
from ..content.discover import read_page
from ..content.model import ContentError
from ..locales import SOURCE_LANG

BLANK_LINES = re.compile(r"\n[ \t]*\n+")


@dataclass(frozen=True)
class Drift:
    """What changed in the source between the version a translation was made from and now."""

    known: bool  # False when the old version's text is nowhere (neither stored nor in git)
    title: bool = False
    summary: bool = False
    paragraphs: tuple[bool, ...] = ()  # one flag per current source paragraph
    removed: tuple[str, ...] = ()  # old paragraphs with no counterpart now

    @property
    def count(self) -> int:
        """How many things the translator has to look at."""
        return int(self.title) + int(self.summary) + sum(self.paragraphs) + len(self.removed)


def paragraphs(body: str) -> list[str]:
    """Markdown blocks separated by blank lines (a list or table stays one block)."""
    text = body.replace("\r\n", "\n").strip()
    return [part.strip("\n") for part in BLANK_LINES.split(text) if part.strip()] if text else []


def remember(conn: sqlite3.Connection, digest: str, path: str, title: str, summary: str,
             body: str) -> None:  # fmt: skip
    """Store one source version's text under its hash (first sighting wins)."""
    conn.execute(
        "insert or ignore into source_versions (hash, path, title, summary, body, first_seen)"
        " values (?, ?, ?, ?, ?, ?)",
        (digest, path, title, summary, body, dt.datetime.now(dt.UTC).isoformat()),
    )


def record_sources(conn: sqlite3.Connection, content_dir: Path, index: sqlite3.Connection) -> int:
    """Keep the text of every source version the index shows that is not stored yet."""
    known = {row[0] for row in conn.execute("select hash from source_versions")}
    added = 0
    rows = index.execute(
        "select path, content_hash from pages where lang = ?", (SOURCE_LANG,)
    ).fetchall()
    for path, digest in rows:
        if digest in known:
            continue
        try:
            page = read_page(content_dir / path, content_dir)
        except (OSError, ContentError):
            continue  # the build reports it; a version is kept once the file is readable
        remember(conn, page.content_hash, page.path, page.title, page.summary, page.body)
        added += 1
    return added


def source_version(
    conn: sqlite3.Connection, content_dir: Path, source_path: str, digest: str
) -> sqlite3.Row | dict | None:
    """The stored text of a source version, else found in git history (and then stored)."""
    row = conn.execute("select * from source_versions where hash = ?", (digest,)).fetchone()
    if row is not None:
        return row
    try:
        current = read_page(content_dir / source_path, content_dir)
    except (OSError, ContentError):
        return None
    for found, (title, summary, body) in git_versions(content_dir, current).items():
        remember(conn, found, source_path, title, summary, body)
    return conn.execute("select * from source_versions where hash = ?", (digest,)).fetchone()


def compare(old: sqlite3.Row | dict | None, title: str, summary: str, body: str) -> Drift:
    """Flag the current source's title, summary and paragraphs that differ from `old`."""
    if old is None:
        return Drift(known=False)
    before, now = paragraphs(old["body"]), paragraphs(body)
    flags = [True] * len(now)
    removed: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=now, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            flags[b1:b2] = [False] * (b2 - b1)
        elif op == "delete":
            removed.extend(before[a1:a2])
    return Drift(
        known=True,
        title=old["title"].strip() != title.strip(),
        summary=old["summary"].strip() != summary.strip(),
        paragraphs=tuple(flags),
        removed=tuple(removed),
    )


def align(source: list[str], translation: list[str]) -> list[tuple[str, str]]:
    """Pair paragraphs by position; extra translation paragraphs join the last row."""
    rows = max(len(source), 1)
    pairs = []
    for i in range(rows):
        if i == rows - 1:
            text = "\n\n".join(translation[i:])
        else:
            text = translation[i] if i < len(translation) else ""
        pairs.append((source[i] if i < len(source) else "", text))
    return pairs

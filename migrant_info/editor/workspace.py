"""Editing content files safely: checked paths, atomic writes, conflicts and revisions."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..content.discover import SLUG, parse_page, split_front_matter
from ..content.index import file_lock
from ..content.model import INDEX_SLUG, RESERVED_SLUGS, TOPICS, ContentError, Page
from ..locales import SOURCE_LANG, is_known_language

SITE = "_site"  # stands for "no topic" in editor URLs: /editor/<lang>/_site/safety
FRONT_ORDER = (
    "title", "summary", "source_hash", "translated_by", "reviewed_by", "reviewed",
    "countries", "sources", "aliases", "lesson",
)  # fmt: skip


class WorkspaceError(ValueError):
    """A request the workspace refuses, with a message for the editor."""


class Conflict(Exception):
    """The file changed since the form was opened; carries what is on disk now."""

    def __init__(self, current_text: str, current_hash: str):
        super().__init__("the page changed since you opened it")
        self.current_text = current_text
        self.current_hash = current_hash


@dataclass(frozen=True)
class Location:
    """A checked (lang, topic, slug) and the file it names inside content/."""

    lang: str
    topic: str  # SITE for site pages
    slug: str

    @property
    def rel(self) -> str:
        """Path relative to content/, with '/'."""
        if self.topic == SITE:
            return f"{self.lang}/{self.slug}.md"
        return f"{self.lang}/{self.topic}/{self.slug}.md"

    def in_lang(self, lang: str) -> Location:
        """The same page in another language."""
        return Location(lang, self.topic, self.slug)

    @property
    def is_source(self) -> bool:
        """True for the English original."""
        return self.lang == SOURCE_LANG


def locate(lang: str, topic: str, slug: str) -> Location:
    """Check each part against the URL rules; nothing else can name a file."""
    if not is_known_language(lang) or "/" in lang or lang.startswith("."):
        raise WorkspaceError(f"'{lang}' is not a language code Babel knows.")
    if topic != SITE and topic not in TOPICS:
        raise WorkspaceError(f"'{topic}' is not a topic ({', '.join(TOPICS)}).")
    if slug == INDEX_SLUG and topic != SITE:
        return Location(lang, topic, slug)
    if not SLUG.match(slug) or len(slug) > 80:
        raise WorkspaceError("A page name uses lowercase letters, digits and single hyphens.")
    if topic == SITE and slug in RESERVED_SLUGS:
        raise WorkspaceError(f"'{slug}' is reserved for the site itself.")
    return Location(lang, topic, slug)


def file_path(content_dir: Path, loc: Location) -> Path:
    """The file for a location, guaranteed to be inside content/."""
    root = content_dir.resolve()
    path = (root / loc.rel).resolve()
    if root not in path.parents:
        raise WorkspaceError("That path is outside the content folder.")
    return path


def file_hash(data: bytes | None) -> str:
    """Hash of a file's bytes; '' for a file that does not exist yet."""
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def read(content_dir: Path, loc: Location) -> tuple[str | None, str]:
    """The file's text (None when missing) and its hash."""
    try:
        data = file_path(content_dir, loc).read_bytes()
    except FileNotFoundError:
        return None, ""
    return data.decode("utf-8", "replace"), file_hash(data)


def split(text: str, rel: str) -> tuple[dict, str]:
    """Front matter and body of a stored file (raises ContentError)."""
    meta, body, _ = split_front_matter(text, rel)
    return meta, body


def compose(meta: dict, body: str) -> str:
    """Front matter (known keys first, YAML) and body as one file's text."""
    ordered = {key: meta[key] for key in FRONT_ORDER if key in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    head = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000)
    body = body.replace("\r\n", "\n").strip("\n")
    return f"---\n{head}---\n{body}\n"


def validate(text: str, loc: Location) -> Page:
    """The same checks the build runs, on text not yet written (raises ContentError)."""
    return parse_page(text.encode("utf-8"), loc.rel)


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file, fsync and rename: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


def write_lock(instance_dir: Path) -> contextlib.AbstractContextManager[None]:
    """One save at a time across workers, so check-then-write cannot interleave."""
    return file_lock(instance_dir / "editor.lock")


def save(
    conn: sqlite3.Connection,
    content_dir: Path,
    instance_dir: Path,
    loc: Location,
    text: str,
    base_hash: str,
    author: str,
    action: str = "save",
) -> int:
    """Validate, refuse on conflict, write atomically, record a revision; return its id."""
    page = validate(text, loc)
    if not loc.is_source and not file_path(content_dir, loc.in_lang(SOURCE_LANG)).exists():
        raise ContentError(loc.rel, "translation has no English source page")
    data = text.encode("utf-8")
    path = file_path(content_dir, loc)
    with write_lock(instance_dir):
        current_text, current_hash = read(content_dir, loc)
        if current_hash != base_hash:
            raise Conflict(current_text or "", current_hash)
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a killed save
            stale.unlink(missing_ok=True)
        atomic_write(path, data)
        return record_revision(conn, loc.rel, author, action, text, page.file_hash)


def record_revision(
    conn: sqlite3.Connection, rel: str, author: str, action: str, text: str, digest: str
) -> int:
    """Keep the full text of a saved version."""
    cur = conn.execute(
        "insert into revisions (path, author, created, action, text, file_hash)"
        " values (?, ?, ?, ?, ?, ?)",
        (rel, author, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), action, text, digest),
    )
    return cur.lastrowid


def revisions(conn: sqlite3.Connection, rel: str) -> list[sqlite3.Row]:
    """Saved versions of one file, newest first (without their text)."""
    return conn.execute(
        "select id, author, created, action, file_hash, length(text) as size from revisions"
        " where path = ? order by id desc",
        (rel,),
    ).fetchall()


def revision(conn: sqlite3.Connection, rel: str, revision_id: int) -> sqlite3.Row | None:
    """One saved version of this file, or None."""
    return conn.execute(
        "select * from revisions where path = ? and id = ?", (rel, revision_id)
    ).fetchone()

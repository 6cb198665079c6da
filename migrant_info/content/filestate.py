"""Which content files changed: stat every file, read only those whose stat changed."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .discover import NOT_LANGUAGES

DATA_DIR = "data"
# A file whose ctime is this close to the scan could still change within the same timestamp
# tick without its stat changing (file systems stamp with a coarse clock; some with whole
# seconds). Such rows are recorded with ctime 0, so the next scan hashes them once more
# (git calls these entries "racily clean").
RACY_NS = 1_000_000_000


@dataclass(frozen=True)
class FileState:
    """What the index knows about one tracked file: its stat and the SHA-256 of its bytes."""

    size: int
    mtime_ns: int
    ctime_ns: int  # 0 = recorded while racy, always re-hashed
    sha256: str

    def same_stat(self, st: os.stat_result) -> bool:
        """True when the file's stat still matches this record (so its bytes are unchanged)."""
        return (self.size, self.mtime_ns, self.ctime_ns) == (
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
        )


@dataclass
class Scan:
    """Every tracked file now on disk, and which of them had to be read to know their hash."""

    files: dict[str, FileState]
    hashed: list[str] = field(default_factory=list)


def walk(content_dir: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(relative path, stat) of every page (<lang>/**/*.md) and data file (data/*.yaml)."""
    try:
        tops = sorted(os.scandir(content_dir), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for top in tops:
        if top.name.startswith(".") or not top.is_dir():
            continue
        if top.name == DATA_DIR:
            for entry in os.scandir(top.path):
                if entry.name.endswith(".yaml") and entry.is_file():
                    yield f"{DATA_DIR}/{entry.name}", entry.stat()
        elif top.name not in NOT_LANGUAGES:
            yield from _walk_pages(top.path, top.name)


def _walk_pages(path: str, rel: str) -> Iterator[tuple[str, os.stat_result]]:
    # Same selection as discover.content_files (glob '*/**/*.md', no hidden parts, no
    # symlinked folders below the language), with one stat per file and no sorting.
    for entry in os.scandir(path):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk_pages(entry.path, f"{rel}/{entry.name}")
        elif entry.name.endswith(".md") and entry.is_file():
            yield f"{rel}/{entry.name}", entry.stat()


def record(st: os.stat_result, sha256: str, scan_started_ns: int) -> FileState:
    """The row to store for a file hashed after `st` was taken."""
    racy = st.st_ctime_ns >= scan_started_ns - RACY_NS
    return FileState(st.st_size, st.st_mtime_ns, 0 if racy else st.st_ctime_ns, sha256)


def scan(content_dir: Path, recorded: Mapping[str, FileState]) -> Scan:
    """Stat every tracked file; hash only those whose stat differs from the recorded row."""
    started = time.time_ns()
    result = Scan({})
    for rel, st in walk(content_dir):
        old = recorded.get(rel)
        if old is not None and old.same_stat(st):
            result.files[rel] = old
            continue
        try:
            data = (content_dir / rel).read_bytes()
        except FileNotFoundError:  # removed since the stat: it is simply not there
            continue
        result.hashed.append(rel)
        result.files[rel] = record(st, hashlib.sha256(data).hexdigest(), started)
    return result


def checksum(build_version: str, files: Mapping[str, FileState]) -> str:
    """SHA-256 over the build version and the sorted (path, SHA-256) list: content decides."""
    digest = hashlib.sha256(build_version.encode() + b"\0")
    for rel in sorted(files):
        digest.update(f"{rel}\0{files[rel].sha256}\n".encode())
    return digest.hexdigest()


def load(conn: sqlite3.Connection) -> dict[str, FileState]:
    """The `files` table of an index."""
    rows = conn.execute("select path, size, mtime_ns, ctime_ns, sha256 from files")
    return {path: FileState(size, mtime, ctime, sha) for path, size, mtime, ctime, sha in rows}


def store(conn: sqlite3.Connection, files: Mapping[str, FileState]) -> None:
    """Insert or replace rows of the `files` table (the caller owns the transaction)."""
    conn.executemany(
        "insert or replace into files (path, size, mtime_ns, ctime_ns, sha256) "
        "values (?, ?, ?, ?, ?)",
        [(rel, s.size, s.mtime_ns, s.ctime_ns, s.sha256) for rel, s in files.items()],
    )


FILES_SCHEMA = """create table files (
    path text primary key, size integer not null, mtime_ns integer not null,
    ctime_ns integer not null, sha256 text not null) without rowid"""

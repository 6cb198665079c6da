"""Which content files changed: stat every file, read only those whose stat changed."""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .discover import NOT_LANGUAGES

DATA_DIR = "data"
# A file whose ctime is this close to the scan could still change within the same timestamp
# tick without its stat changing (file systems stamp with a coarse clock; some with whole
# seconds). Such rows are recorded with ctime 0, so the next scan hashes them once more
# (git calls these entries "racily clean").
RACY_NS = 1_000_000_000
# Loading 30,000 rows costs ~50 ms, so each process keeps the rows it last read or wrote,
# keyed by index path, with the meta 'files_token' they belong to. Every write of the files
# table stores a new token, so a copy is used only while no other process has written since.
# The copies are never mutated. Checks run under build_lock, so no two threads race here.
_CACHE: dict[str, tuple[str, dict[str, FileState]]] = {}
_TOKENS = itertools.count()


class FileState(NamedTuple):
    """What the index knows about one tracked file: its stat and the SHA-256 of its bytes."""

    # A tuple, not a dataclass: a check builds one per file (30,000 at target scale).
    size: int
    mtime_ns: int
    ctime_ns: int  # 0 = recorded while racy, always re-hashed
    sha256: str

    def same_stat(self, st: os.stat_result) -> bool:
        """True when the file's stat still matches this record (so its bytes are unchanged)."""
        return self[:3] == (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass
class Scan:
    """Every tracked file now on disk, and which of them had to be read to know their hash."""

    files: dict[str, FileState]
    hashed: list[str] = field(default_factory=list)


def walk(content_dir: Path) -> list[tuple[str, os.stat_result]]:
    """(relative path, stat) of every page (<lang>/**/*.md) and data file (data/*.yaml)."""
    # Same selection as discover.content_files (glob '*/**/*.md', no hidden parts, no
    # symlinked folders below the language), with one stat per file and no sorting: this
    # runs on every check, over 30,000 files at target scale.
    found: list[tuple[str, os.stat_result]] = []
    try:
        tops = sorted(os.scandir(content_dir), key=lambda e: e.name)
    except FileNotFoundError:
        return found
    for top in tops:
        if top.name.startswith(".") or not top.is_dir():
            continue
        if top.name == DATA_DIR:
            with os.scandir(top.path) as entries:
                found += [
                    (f"{DATA_DIR}/{e.name}", e.stat())
                    for e in entries
                    if e.name.endswith(".yaml") and e.is_file()
                ]
            continue
        if top.name in NOT_LANGUAGES:
            continue
        folders = [(top.path, top.name)]
        while folders:
            path, rel = folders.pop()
            with os.scandir(path) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    if name.endswith(".md") and entry.is_file():
                        found.append((f"{rel}/{name}", entry.stat()))
                    elif entry.is_dir(follow_symlinks=False):
                        folders.append((entry.path, f"{rel}/{name}"))
    return found


def record(st: os.stat_result, sha256: str, scan_started_ns: int) -> FileState:
    """The row to store for a file hashed after `st` was taken."""
    racy = st.st_ctime_ns >= scan_started_ns - RACY_NS
    return FileState(st.st_size, st.st_mtime_ns, 0 if racy else st.st_ctime_ns, sha256)


def is_tracked(rel: str) -> bool:
    """True for a path `walk` would yield (whether or not the file exists)."""
    parts = rel.split("/")
    if any(not p or p.startswith(".") for p in parts) or len(parts) < 2:
        return False
    if parts[0] == DATA_DIR:
        return len(parts) == 2 and rel.endswith(".yaml")
    return parts[0] not in NOT_LANGUAGES and rel.endswith(".md")


def scan(
    content_dir: Path, recorded: Mapping[str, FileState], only: Iterable[str] | None = None
) -> Scan:
    """Stat every tracked file (or just `only`); hash those whose stat differs from `recorded`.

    With `only`, every other file is taken to be as recorded: the caller (the editor) knows
    what it wrote, and the next full check (process start, debug polling) sees the rest.
    """
    started = time.time_ns()
    if only is None:
        result, stats = Scan({}), walk(content_dir)
    else:
        result, stats = Scan(dict(recorded)), []
        for rel in filter(is_tracked, only):
            try:
                stats.append((rel, (content_dir / rel).stat()))
            except FileNotFoundError:
                result.files.pop(rel, None)
    for rel, st in stats:
        old = recorded.get(rel)
        if old is not None and old[:3] == (st.st_size, st.st_mtime_ns, st.st_ctime_ns):
            result.files[rel] = old
            continue
        try:
            data = (content_dir / rel).read_bytes()
        except FileNotFoundError:  # removed since the stat: it is simply not there
            result.files.pop(rel, None)
            continue
        result.hashed.append(rel)
        result.files[rel] = record(st, hashlib.sha256(data).hexdigest(), started)
    return result


def checksum(build_version: str, files: Mapping[str, FileState]) -> str:
    """SHA-256 over the build version and the sorted (path, SHA-256) list: content decides."""
    lines = "".join(f"{rel}\0{files[rel].sha256}\n" for rel in sorted(files))
    return hashlib.sha256(f"{build_version}\0{lines}".encode()).hexdigest()


def load(conn: sqlite3.Connection, index_path: Path, token: str | None) -> dict[str, FileState]:
    """The `files` table of an index (this process's copy while `token` is unchanged)."""
    cached = _CACHE.get(os.fspath(index_path))
    if token is not None and cached is not None and cached[0] == token:
        return cached[1]
    rows = conn.execute("select path, size, mtime_ns, ctime_ns, sha256 from files")
    files = {row[0]: FileState._make(row[1:]) for row in rows}
    if token is not None:
        _CACHE[os.fspath(index_path)] = (token, files)
    return files


def remember(index_path: Path, token: str, files: dict[str, FileState]) -> None:
    """Keep `files` as this process's copy of the index's rows written under `token`."""
    _CACHE[os.fspath(index_path)] = (token, files)


def new_token(conn: sqlite3.Connection | None = None) -> str:
    """A fresh meta 'files_token', stored through `conn` when given (caller's transaction)."""
    token = f"{os.getpid()}-{time.time_ns()}-{next(_TOKENS)}"  # unique per write, no syscall
    if conn is not None:
        conn.execute("insert or replace into meta (key, value) values ('files_token', ?)", (token,))
    return token


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

"""Which content files changed: stat every file, read only those whose stat changed.

The tree checksum is a sum of one hash per file (mod 2**256), so a change of a few files
updates it without touching the other 30,000 entries; the sum is stored beside the files
table (meta 'files_total', valid only with the 'files_token' it names).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
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
_CACHE: dict[str, tuple[str, dict[str, FileState], int]] = {}
_TOKENS = itertools.count()
TOTAL_MOD = 2**256


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
    """Tracked files on disk compared with `recorded`: those read because their stat changed
    (or they are new), with their new state, and those gone."""

    recorded: Mapping[str, FileState]
    changed: dict[str, FileState] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    @property
    def hashed(self) -> list[str]:
        """Files that had to be read to know their hash."""
        return list(self.changed)

    @cached_property
    def files(self) -> dict[str, FileState]:
        """Every tracked file's state now (a new dict of every file: full builds only)."""
        files = {**self.recorded, **self.changed}
        for rel in self.removed:
            files.pop(rel, None)
        return files

    @property
    def same_bytes(self) -> bool:
        """True when no file appeared or went and every file read still has its recorded hash."""
        get = self.recorded.get
        return not self.removed and all(
            (old := get(rel)) is not None and old.sha256 == state.sha256
            for rel, state in self.changed.items()
        )


def _folders(content_dir: Path) -> Iterator[tuple[str, list[os.DirEntry]]]:
    """Per folder: the relative path prefix and the DirEntry of each tracked file in it
    (<lang>/**/*.md and data/*.yaml); stat() them before asking for the next folder."""
    # Same selection as discover.content_files (glob '*/**/*.md', no hidden parts, no
    # symlinked folders below the language), unsorted: this runs on every check, over
    # 30,000 files at target scale. Folders are listed through a descriptor, so each
    # entry's stat() is an fstatat on its bare name (no path to resolve again).
    try:
        tops = sorted(os.scandir(content_dir), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for top in tops:
        if top.name.startswith(".") or not top.is_dir() or top.name in NOT_LANGUAGES - {DATA_DIR}:
            continue
        folders = [(top.path, f"{top.name}/")]
        suffix = ".yaml" if top.name == DATA_DIR else ".md"
        while folders:
            path, prefix = folders.pop()
            try:
                fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
            except FileNotFoundError:  # removed since its parent was listed
                continue
            try:
                with os.scandir(fd) as listing:
                    entries = [e for e in listing if not e.name.startswith(".")]
                if suffix == ".md":
                    folders += [
                        (f"{path}/{e.name}", f"{prefix}{e.name}/")
                        for e in entries
                        if e.is_dir(follow_symlinks=False)
                    ]
                yield prefix, [e for e in entries if e.name.endswith(suffix) and e.is_file()]
            finally:
                os.close(fd)


def walk(content_dir: Path) -> list[tuple[str, os.stat_result]]:
    """(relative path, stat) of every page (<lang>/**/*.md) and data file (data/*.yaml)."""
    found = []
    for prefix, entries in _folders(content_dir):
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):  # removed since the listing
                found.append((prefix + entry.name, entry.stat()))
    return found


def _stat_changes(
    content_dir: Path, recorded: Mapping[str, FileState]
) -> tuple[list[tuple[str, os.stat_result]], int]:
    """Files whose stat differs from `recorded` (or new ones), and how many recorded files
    were found; one pass, comparing as it stats (the part of a check that grows with files)."""
    changed, seen, get = [], 0, recorded.get
    for prefix, found in _folders(content_dir):
        for entry in found:
            rel = prefix + entry.name
            try:
                st = entry.stat()
            except FileNotFoundError:  # removed since the listing: as if never listed
                continue
            old = get(rel)
            if old is None:
                changed.append((rel, st))
                continue
            seen += 1
            if old[0] != st.st_size or old[1] != st.st_mtime_ns or old[2] != st.st_ctime_ns:
                changed.append((rel, st))
    return changed, seen


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
    result = Scan(recorded)
    if only is None:
        stats, seen = _stat_changes(content_dir, recorded)
        if seen != len(recorded):  # some file went away: find which (a second walk, rarely)
            result.removed = set(recorded).difference(rel for rel, _ in walk(content_dir))
    else:
        stats = []
        for rel in filter(is_tracked, only):
            try:
                st = (content_dir / rel).stat()
            except FileNotFoundError:
                if rel in recorded:
                    result.removed.add(rel)
                continue
            old = recorded.get(rel)
            if old is None or not old.same_stat(st):
                stats.append((rel, st))
    for rel, st in stats:
        try:
            data = (content_dir / rel).read_bytes()
        except FileNotFoundError:  # removed since the stat: it is simply not there
            if rel in recorded:
                result.removed.add(rel)
            continue
        result.changed[rel] = record(st, hashlib.sha256(data).hexdigest(), started)
    return result


def entry_hash(rel: str, state: FileState) -> int:
    """One file's share of the tree checksum."""
    digest = hashlib.sha256(f"{rel}\0{state.sha256}".encode()).digest()
    return int.from_bytes(digest, "big")


def total(files: Mapping[str, FileState]) -> int:
    """The sum of every file's entry_hash, mod 2**256 (what the tree checksum is made of)."""
    return sum(entry_hash(rel, state) for rel, state in files.items()) % TOTAL_MOD


def moved(
    value: int, before: Mapping[str, FileState], after: Mapping[str, FileState], rels: Iterable[str]
) -> int:
    """`value` (the total of `before`) turned into the total of `after`, which differs from
    `before` only at `rels`."""
    for rel in rels:
        if rel in before:
            value -= entry_hash(rel, before[rel])
        if rel in after:
            value += entry_hash(rel, after[rel])
    return value % TOTAL_MOD


def checksum_of(build_version: str, files_total: int) -> str:
    """The tree checksum: SHA-256 over the build version and the files' total."""
    return hashlib.sha256(f"{build_version}\0{files_total:064x}".encode()).hexdigest()


def checksum(build_version: str, files: Mapping[str, FileState]) -> str:
    """The tree checksum of `files` (path and SHA-256 of each): content decides, not stats."""
    return checksum_of(build_version, total(files))


def load(
    conn: sqlite3.Connection, index_path: Path, token: str | None, stored_total: str | None
) -> tuple[dict[str, FileState], int]:
    """The `files` table of an index and its total (this process's copy while `token` is
    unchanged); `stored_total` is meta 'files_total', used when it names `token`."""
    cached = _CACHE.get(os.fspath(index_path))
    if token is not None and cached is not None and cached[0] == token:
        return cached[1], cached[2]
    rows = conn.execute("select path, size, mtime_ns, ctime_ns, sha256 from files")
    files = {row[0]: FileState._make(row[1:]) for row in rows}
    named, _, value = (stored_total or "").rpartition(":")
    files_total = int(value, 16) if token and named == token else total(files)
    if token is not None:
        _CACHE[os.fspath(index_path)] = (token, files, files_total)
    return files, files_total


def remember(index_path: Path, token: str, files: dict[str, FileState], files_total: int) -> None:
    """Keep `files` (and their total) as this process's copy of the rows written under `token`."""
    _CACHE[os.fspath(index_path)] = (token, files, files_total)


def new_token() -> str:
    """A fresh meta 'files_token': unique per write of the files table, no syscall."""
    return f"{os.getpid()}-{time.time_ns()}-{next(_TOKENS)}"


def stored_total(token: str, files_total: int) -> str:
    """The meta 'files_total' value: the total, valid only beside `token`."""
    return f"{token}:{files_total:064x}"


def stamp(conn: sqlite3.Connection, files_total: int) -> str:
    """Store a new files_token and the files' total through `conn` (caller's transaction)."""
    token = new_token()
    conn.executemany(
        "insert or replace into meta (key, value) values (?, ?)",
        [("files_token", token), ("files_total", stored_total(token, files_total))],
    )
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

"""Watch the content folder and apply changed files as they are written (`flask content watch`).

For deployments where files change outside the editor (a git pull, an editor on the server):
the watcher hands the changed paths to `index.ensure_fresh` as a hint, the same path an
editor save takes, so an update costs what a save costs instead of a stat of every file.
Events it cannot name a file for (a folder moved or removed, an overflowing event queue) make
it run the full check instead. Uses `watchdog` (inotify on Linux, FSEvents, kqueue).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import filestate, index

# Editors and git write a file in several steps: wait this long after the last event.
SETTLE_SECONDS = 0.2


class _Collector(FileSystemEventHandler):
    """Gathers the tracked paths named by file system events, relative to the content dir."""

    def __init__(self, content_dir: Path):
        self.root = os.path.realpath(content_dir)
        self.paths: set[str] = set()
        self.everything = False  # an event that names no single file: check every file
        self.lock = threading.Lock()
        self.arrived = threading.Event()

    def _rel(self, path: str | bytes) -> str | None:
        path = os.fsdecode(path)
        rel = os.path.relpath(os.path.realpath(path), self.root).replace(os.sep, "/")
        return None if rel.startswith("../") else rel

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Note the event's paths (source and, for a move, destination)."""
        if event.event_type in ("opened", "closed_no_write"):
            return
        with self.lock:
            if event.is_directory and event.event_type in ("moved", "deleted", "created"):
                self.everything = True
            for path in (event.src_path, getattr(event, "dest_path", "")):
                rel = self._rel(path) if path else None
                if rel is not None and filestate.is_tracked(rel):
                    self.paths.add(rel)
        self.arrived.set()

    def take(self) -> list[str] | None:
        """The paths gathered since the last call (None: check every file), and reset."""
        with self.lock:
            paths, everything = sorted(self.paths), self.everything
            self.paths, self.everything = set(), False
            self.arrived.clear()
        return None if everything else paths


def watch(
    content_dir: Path,
    index_path: Path,
    on_update: Callable[[list[str] | None, bool], None] = lambda paths, rebuilt: None,
    on_error: Callable[[index.BuildFailed], None] = lambda failed: None,
    stop: threading.Event | None = None,
    settle: float = SETTLE_SECONDS,
) -> None:
    """Apply changes under `content_dir` to the index until `stop` is set.

    After each check `on_update(paths, rebuilt)` runs (paths None: every file was checked);
    content errors go to `on_error` and the last good index keeps serving.
    """
    stop = stop or threading.Event()
    collector = _Collector(content_dir)
    observer = Observer()
    observer.schedule(collector, os.fspath(content_dir), recursive=True)
    observer.start()
    try:
        paths: list[str] | None = None  # first, whatever changed before we watched
        while True:
            try:
                on_update(paths, index.ensure_fresh(content_dir, index_path, paths))
            except index.BuildFailed as failed:
                on_error(failed)
            paths = _next_change(collector, stop, settle)
            if stop.is_set():
                return
    finally:
        observer.stop()
        observer.join()


def _next_change(collector: _Collector, stop: threading.Event, settle: float) -> list[str] | None:
    """Wait for tracked paths to change and settle (returns early, with [], once stopped)."""
    while not stop.is_set():
        if not collector.arrived.wait(timeout=0.5):
            continue
        while collector.arrived.wait(timeout=settle) and not stop.is_set():
            collector.arrived.clear()  # still arriving: wait until the writes settle
        paths = collector.take()
        if paths != []:
            return paths
    return []

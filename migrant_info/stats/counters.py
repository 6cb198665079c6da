"""In-memory counters, flushed to SQLite by a background thread and at exit.

Counting must never slow a page: a request only adds to a dict under a lock. A thread started
lazily in each process (so after gunicorn forks) writes the counts every few seconds, in one
transaction; `atexit` writes what is left when the process ends. A crash loses one window.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import weakref
from collections import Counter
from contextlib import closing
from pathlib import Path

from .. import db
from . import store

log = logging.getLogger(__name__)

Key = tuple[str, str, str, str, str, str]  # day, metric, lang, topic, slug, detail
_recorders: weakref.WeakSet[Recorder] = weakref.WeakSet()


def today() -> str:
    """The current day in UTC: the finest time any count carries."""
    return dt.datetime.now(dt.UTC).date().isoformat()


class Recorder:
    """Counts for one app's database: add() from requests, flush() from the thread or at exit."""

    def __init__(self, path: Path, flush_seconds: float, k: int, min_days: int,
                 retention_days: int) -> None:  # fmt: skip
        self.path = path
        self.flush_seconds = flush_seconds
        self.k = k
        self.min_days = min_days
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._counts: Counter[Key] = Counter()
        self._texts: dict[tuple[str, str], str] = {}  # (lang, qhash) -> normalised query text
        self._pid: int | None = None
        self._stop = threading.Event()
        self._last_rollup = ""
        _recorders.add(self)

    def add(self, metric: str, lang: str, topic: str = "", slug: str = "", detail: str = "",
            n: int = 1, day: str | None = None) -> None:  # fmt: skip
        """Count `n` events for today; starts this process's flusher on first use."""
        self._ensure_thread()
        with self._lock:
            self._counts[(day or today(), metric, lang, topic, slug, detail)] += n

    def add_query(self, lang: str, qhash: str, text: str) -> None:
        """Remember a query's text in memory until flush decides whether it may be kept."""
        with self._lock:
            self._texts[(lang, qhash)] = text

    def pending(self) -> int:
        """How many distinct counts wait for the next flush."""
        with self._lock:
            return len(self._counts)

    def flush(self) -> int:
        """Write the pending counts in one transaction; return how many rows changed."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            texts, self._texts = self._texts, {}
        if not counts:
            return 0
        try:
            with closing(db.connect(self.path)) as conn:
                db.migrate(conn)
                store.add_counts(conn, counts)
                store.reveal_queries(conn, texts, self.k, self.min_days)
                self._maybe_rollup(conn)
        except Exception:
            # Put the counts back so a locked or busy database costs nothing but a delay.
            with self._lock:
                self._counts.update(counts)
            log.exception("statistics flush failed; will retry")
            return 0
        return len(counts)

    def _maybe_rollup(self, conn) -> None:
        day = today()
        if self._last_rollup != day:  # once a day per process is plenty
            store.rollup(conn, self.retention_days)
            self._last_rollup = day

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked child inherits the parent's counts: those are the parent's to write.
            self._counts = Counter()
            self._texts = {}
            self._pid = os.getpid()
            self._stop = threading.Event()
        # The thread holds only a weak reference, so an app that is gone (tests) takes it along.
        args = (weakref.ref(self), self._stop, self.flush_seconds)
        threading.Thread(target=_run, args=args, name="stats-flusher", daemon=True).start()

    def stop(self) -> None:
        """Stop the thread and write what is left."""
        self._stop.set()
        self.flush()


def _run(ref: weakref.ref, stop: threading.Event, seconds: float) -> None:
    while not stop.wait(seconds):
        recorder = ref()
        if recorder is None:
            return
        recorder.flush()
        del recorder


@atexit.register
def flush_all() -> None:
    """At shutdown, write every recorder's pending counts."""
    for recorder in list(_recorders):
        recorder.stop()

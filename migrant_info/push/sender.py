"""Fan-out: send one notice to every targeted subscriber, concurrently and resumably.

The calling thread owns the database: it marks a batch of deliveries `sending` (one
transaction), hands the batch to the worker threads, and writes their outcomes in one
transaction per batch or per FLUSH_SECONDS, whichever comes first (see deliveries.py). Workers
never touch SQLite: each one encrypts (pywebpush/http_ece: a new ECDH key, salt and AES-GCM
per message, as RFC 8291 requires), signs nothing (one VAPID JWT per push-service origin) and
posts over keep-alive connections shared through transport.py.

`push resume` re-sends rows still pending or sending and never one recorded as done. Only a
message whose outcome was not yet flushed at a crash can arrive twice; the service worker
shows one notification per notice (the notification tag is the notice id).
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from py_vapid import Vapid02
from pywebpush import WebPusher

from .. import db
from .deliveries import DeliveryLog, Outcome
from .notices import Notice, load
from .transport import NetworkError, Transport, origin_of

JWT_LIFETIME = 12 * 3600  # RFC 8292 allows up to 24 hours; reuse one token per push service
FLUSH_SECONDS = 0.25  # outcomes wait at most this long before they are written


@dataclass
class Settings:
    """How to send: keys, contact, concurrency, batching and retry policy."""

    vapid: Vapid02
    subject: str
    workers: int = 128
    batch: int = 256  # deliveries marked sending, or outcomes written, per transaction
    timeout: float = 10.0
    max_attempts: int = 4
    backoff: float = 0.5
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)


class Sender:
    """Delivers notices with a pool of worker threads sharing keep-alive connections."""

    def __init__(self, db_path: Path, settings: Settings):
        self.db_path = db_path
        self.settings = settings
        self.transport = Transport(settings.workers, settings.timeout)
        self.tokens: dict[str, tuple[dict, float]] = {}
        self.lock = threading.Lock()

    def vapid_headers(self, endpoint: str) -> dict[str, str]:
        """The VAPID Authorization header for an endpoint's origin, signed once per origin."""
        origin = origin_of(endpoint)
        now = time.time()
        with self.lock:
            cached = self.tokens.get(origin)
            if cached is None or cached[1] - now < 600:
                expiry = int(now + JWT_LIFETIME)
                claims = {"aud": origin, "exp": expiry, "sub": self.settings.subject}
                cached = (self.settings.vapid.sign(claims), expiry)
                self.tokens[origin] = cached
            return dict(cached[0])

    def deliver(self, notice: Notice, sub: dict) -> Outcome:
        """Send to one subscriber, retrying 5xx/timeouts with backoff and honouring 429."""
        info = {"endpoint": sub["endpoint"], "keys": {"p256dh": sub["p256dh"], "auth": sub["auth"]}}
        pusher = WebPusher(info)
        headers = self.vapid_headers(sub["endpoint"]) | {
            "TTL": str(notice.ttl),
            "Urgency": notice.urgency,
            "Content-Encoding": "aes128gcm",
        }
        if notice.topic_key:
            headers["Topic"] = notice.topic_key
        data = notice.payload(sub["lang"])  # refuses more than a 4096-byte record holds
        settings = self.settings
        for attempt in range(settings.max_attempts):
            body = pusher.encode(data, "aes128gcm")["body"]  # fresh key and salt every attempt
            try:
                response = self.transport.post(sub["endpoint"], body, headers)
                status = response.status
            except NetworkError:
                status = None
            if status in (200, 201, 202):
                return Outcome(sub["id"], "sent", attempt + 1)
            if status in (404, 410):  # the subscription is gone for good
                return Outcome(sub["id"], "gone", attempt + 1, delete=True)
            if status == 429:
                wait = _retry_after(response.headers.get("Retry-After"), settings.backoff)
                settings.sleep(min(wait, settings.max_retry_after))
            elif status is None or status >= 500:
                settings.sleep(settings.backoff * 2**attempt)
            else:  # 3xx (never followed), 400, 401, 403, 413: retrying would not help
                return Outcome(sub["id"], "failed", attempt + 1)
        return Outcome(sub["id"], "failed", settings.max_attempts)

    def _work(self, notice: Notice, jobs: queue.Queue, results: queue.Queue) -> None:
        while (sub := jobs.get()) is not None:
            try:
                results.put(self.deliver(notice, sub))
            except BaseException as error:  # noqa: BLE001 - handed to the calling thread
                results.put(error)

    def run(self, notice_id: int, progress: Callable[[str], None] = lambda status: None) -> Counter:
        """Deliver every delivery of a notice not yet done; return counts by outcome."""
        conn = db.connect(self.db_path)
        jobs: queue.Queue = queue.Queue()
        results: queue.Queue = queue.Queue()
        threads: list[threading.Thread] = []
        try:
            notice, log = load(conn, notice_id), DeliveryLog(conn, notice_id)
            todo = log.todo()
            threads = [
                threading.Thread(target=self._work, args=(notice, jobs, results), daemon=True)
                for _ in range(min(self.settings.workers, len(todo)))
            ]
            for thread in threads:
                thread.start()
            return self._fan_out(log, todo, jobs, results, progress)
        finally:
            while not jobs.empty():  # on an error: send nothing more
                jobs.get_nowait()
            for _ in threads:
                jobs.put(None)
            deadline = time.monotonic() + self.settings.timeout + 1
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
            self.transport.close()
            conn.close()

    def _fan_out(self, log: DeliveryLog, todo: list[int], jobs: queue.Queue,
                 results: queue.Queue, progress: Callable[[str], None]) -> Counter:  # fmt: skip
        counts: Counter = Counter()
        batch, ahead = self.settings.batch, self.settings.workers + self.settings.batch
        done: list[Outcome] = []
        position, in_flight, flushed, error = 0, 0, time.monotonic(), None

        def flush() -> None:
            nonlocal flushed
            log.finish(done)
            for outcome in done:
                counts[outcome.status] += 1
                progress(outcome.status)
            done.clear()
            flushed = time.monotonic()

        while True:
            while error is None and position < len(todo) and in_flight < ahead:
                subs, gone = log.start(todo[position : position + batch])
                position += batch
                for sub in subs:
                    jobs.put(sub)
                in_flight += len(subs)
                for _ in gone:
                    counts["gone"] += 1
                    progress("gone")
            if in_flight == 0:
                break
            try:
                item = results.get(timeout=FLUSH_SECONDS)
                while True:
                    in_flight -= 1
                    if isinstance(item, BaseException):
                        error = error or item
                    else:
                        done.append(item)
                    item = results.get_nowait()
            except queue.Empty:
                pass
            if len(done) >= batch or time.monotonic() - flushed >= FLUSH_SECONDS or not in_flight:
                flush()
        flush()
        if error is not None:
            raise error
        return counts

    def remaining(self, notice_id: int) -> int:
        """How many deliveries of a notice are still to do."""
        conn = db.connect(self.db_path)
        try:
            return DeliveryLog(conn, notice_id).remaining()
        finally:
            conn.close()

    def unfinished(self) -> list[int]:
        """Notices with deliveries still to do (an interrupted send)."""
        conn = db.connect(self.db_path)
        try:
            rows = conn.execute(
                "select distinct notice_id from deliveries where status in ('pending', 'sending')"
            )
            return [r[0] for r in rows]
        finally:
            conn.close()


def _retry_after(value: str | None, default: float) -> float:
    """Seconds from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(
                0.0, (parsedate_to_datetime(value) - dt.datetime.now(dt.UTC)).total_seconds()
            )
        except (TypeError, ValueError):
            return default

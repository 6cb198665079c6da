"""Fan-out: send one notice to every targeted subscriber, concurrently and resumably.

Each delivery row goes pending -> sending -> sent | gone | failed, committed as it changes, so
`push resume` continues an interrupted send and never repeats a delivery recorded as done.
Only a message in flight at the moment of a crash can arrive twice; the service worker shows
one notification per notice (the notification tag is the notice id), so the reader sees one.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from py_vapid import Vapid02
from pywebpush import WebPusher

from .. import db
from .notices import Notice, load

JWT_LIFETIME = 12 * 3600  # RFC 8292 allows up to 24 hours; reuse one token per push service


@dataclass
class Settings:
    """How to send: keys, contact, concurrency and retry policy."""

    vapid: Vapid02
    subject: str
    workers: int = 64
    timeout: float = 10.0
    max_attempts: int = 4
    backoff: float = 0.5
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)


class Sender:
    """Delivers notices; one requests session and one database connection per worker thread."""

    def __init__(self, db_path: Path, settings: Settings):
        self.db_path = db_path
        self.settings = settings
        self.local = threading.local()
        self.tokens: dict[str, tuple[dict, float]] = {}
        self.lock = threading.Lock()

    def _conn(self):
        if not hasattr(self.local, "conn"):
            self.local.conn = db.connect(self.db_path)
            session = requests.Session()
            session.max_redirects = 0  # a redirect could point anywhere: never follow one
            self.local.session = session
        return self.local.conn

    def vapid_headers(self, endpoint: str) -> dict[str, str]:
        """The VAPID Authorization header for an endpoint's origin, signed once per origin."""
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        with self.lock:
            cached = self.tokens.get(origin)
            if cached is None or cached[1] - now < 600:
                expiry = int(now + JWT_LIFETIME)
                claims = {"aud": origin, "exp": expiry, "sub": self.settings.subject}
                cached = (self.settings.vapid.sign(claims), expiry)
                self.tokens[origin] = cached
            return dict(cached[0])

    def _mark(self, notice_id: int, sub_id: int, status: str, attempt: bool = False) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._conn().execute(
            "update deliveries set status = ?, updated = ?, attempts = attempts + ? "
            "where notice_id = ? and subscription_id = ?",
            (status, now, 1 if attempt else 0, notice_id, sub_id),
        )

    def deliver(self, notice: Notice, sub_id: int) -> str:
        """Send to one subscriber, retrying 5xx/timeouts with backoff and honouring 429."""
        conn = self._conn()
        row = conn.execute("select * from subscriptions where id = ?", (sub_id,)).fetchone()
        if row is None:  # unsubscribed meanwhile
            self._mark(notice.id, sub_id, "gone")
            return "gone"
        info = {"endpoint": row["endpoint"], "keys": {"p256dh": row["p256dh"], "auth": row["auth"]}}
        headers = self.vapid_headers(row["endpoint"]) | {"Urgency": notice.urgency}
        if notice.topic_key:
            headers["Topic"] = notice.topic_key
        data = notice.payload(row["lang"])
        for attempt in range(self.settings.max_attempts):
            self._mark(notice.id, sub_id, "sending", attempt=True)
            try:
                response = WebPusher(info, requests_session=self.local.session).send(
                    data, headers=dict(headers), ttl=notice.ttl, timeout=self.settings.timeout
                )
                status = response.status_code
            except requests.RequestException:
                status = None
            if status in (200, 201, 202):
                self._mark(notice.id, sub_id, "sent")
                return "sent"
            if status in (404, 410):  # the subscription is gone for good
                conn.execute("delete from subscriptions where id = ?", (sub_id,))
                self._mark(notice.id, sub_id, "gone")
                return "gone"
            if status == 429:
                wait = _retry_after(response.headers.get("Retry-After"), self.settings.backoff)
                self.settings.sleep(min(wait, self.settings.max_retry_after))
            elif status is None or status >= 500:
                self.settings.sleep(self.settings.backoff * 2**attempt)
            else:  # 400, 401, 403, 413: retrying would not help
                break
        self._mark(notice.id, sub_id, "failed")
        return "failed"

    def run(self, notice_id: int, progress: Callable[[str], None] = lambda status: None) -> Counter:
        """Deliver every delivery of a notice not yet done; return counts by outcome."""
        conn = self._conn()
        notice = load(conn, notice_id)
        todo = [
            r[0]
            for r in conn.execute(
                "select subscription_id from deliveries where notice_id = ? "
                "and status in ('pending', 'sending') order by subscription_id",
                (notice_id,),
            )
        ]
        counts: Counter = Counter()

        def one(sub_id: int) -> None:
            status = self.deliver(notice, sub_id)
            with self.lock:
                counts[status] += 1
            progress(status)

        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            list(pool.map(one, todo))
        return counts

    def remaining(self, notice_id: int) -> int:
        """How many deliveries of a notice are still to do."""
        return (
            self._conn()
            .execute(
                "select count(*) from deliveries where notice_id = ? "
                "and status in ('pending', 'sending')",
                (notice_id,),
            )
            .fetchone()[0]
        )

    def unfinished(self) -> list[int]:
        """Notices with deliveries still to do (an interrupted send)."""
        rows = self._conn().execute(
            "select distinct notice_id from deliveries where status in ('pending', 'sending')"
        )
        return [r[0] for r in rows]


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

"""The send log: a `deliveries` row per subscriber of a notice, written in batches.

A batch of rows is marked `sending` (attempts + 1) in one transaction before any of its
messages leaves; outcomes (sent, gone, failed) are written together in one transaction per
flush. So a row reads `sent` only once its message was accepted, and `push resume` re-sends
exactly the rows still `pending` or `sending`. A crash can repeat only messages whose outcome
was not yet flushed: those in flight plus those finished within the last flush window.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

TODO = ("pending", "sending")


@dataclass(frozen=True)
class Outcome:
    """How one delivery ended: sent, gone (404/410: the subscription is deleted) or failed."""

    sub_id: int
    status: str
    attempts: int = 1
    delete: bool = False  # the push service said the subscription no longer exists


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class DeliveryLog:
    """Reads and writes one notice's delivery rows on one connection (one thread)."""

    def __init__(self, conn: sqlite3.Connection, notice_id: int):
        self.conn = conn
        self.notice_id = notice_id

    def todo(self) -> list[int]:
        """Subscription ids still to deliver to, in id order."""
        rows = self.conn.execute(
            "select subscription_id from deliveries where notice_id = ? "
            "and status in (?, ?) order by subscription_id",
            (self.notice_id, *TODO),
        )
        return [r[0] for r in rows]

    def start(self, sub_ids: Sequence[int]) -> tuple[list[dict], list[int]]:
        """Mark a batch `sending` before sending; return its subscriptions and the ids gone."""
        now = _now()
        self.conn.execute("begin immediate")
        try:
            rows = [
                dict(row)
                for row in self.conn.execute(
                    "select * from subscriptions where id in (select value from json_each(?)) "
                    "order by id",
                    (json.dumps(list(sub_ids)),),
                )
            ]
            found = {row["id"] for row in rows}
            gone = [sub_id for sub_id in sub_ids if sub_id not in found]  # unsubscribed meanwhile
            self.conn.executemany(
                "update deliveries set status = 'sending', updated = ?, attempts = attempts + 1 "
                "where notice_id = ? and subscription_id = ?",
                [(now, self.notice_id, row["id"]) for row in rows],
            )
            self._record(now, [Outcome(sub_id, "gone", attempts=0) for sub_id in gone])
            self.conn.execute("commit")
        except BaseException:
            self.conn.execute("rollback")
            raise
        return rows, gone

    def finish(self, outcomes: Sequence[Outcome]) -> None:
        """Record finished deliveries (and delete subscriptions gone for good), atomically."""
        if not outcomes:
            return
        self.conn.execute("begin immediate")
        try:
            self._record(_now(), outcomes)
            self.conn.execute("commit")
        except BaseException:
            self.conn.execute("rollback")
            raise

    def _record(self, now: str, outcomes: Sequence[Outcome]) -> None:
        self.conn.executemany(
            "delete from subscriptions where id = ?",
            [(o.sub_id,) for o in outcomes if o.delete],
        )
        # attempts was raised by one when the row was marked sending; add the retries.
        self.conn.executemany(
            "update deliveries set status = ?, updated = ?, attempts = attempts + ? "
            "where notice_id = ? and subscription_id = ?",
            [(o.status, now, max(o.attempts - 1, 0), self.notice_id, o.sub_id) for o in outcomes],
        )

    def remaining(self) -> int:
        """How many deliveries are still to do."""
        return self.conn.execute(
            "select count(*) from deliveries where notice_id = ? and status in (?, ?)",
            (self.notice_id, *TODO),
        ).fetchone()[0]

"""Notices and who receives them: stored in the state database, targeted by language, topic
and country, with a delivery row per subscriber so an interrupted send can resume."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

from ..locales import locale_order

URGENCIES = ("very-low", "low", "normal", "high")
DEFAULT_TTL = 3 * 24 * 3600  # RFC 8030: a TTL of 0 drops the message for phones that are off
MAX_TTL = 28 * 24 * 3600
PAYLOAD_LIMIT = 3993  # 4096-byte aes128gcm record minus header and padding (RFC 8291)


@dataclass
class Notice:
    """A warning to send: a text per language, a link, targeting and delivery hints."""

    texts: dict[str, dict[str, str]]  # lang -> {"title", "body"}; English required
    url: str
    langs: list[str] = field(default_factory=list)  # empty: everyone
    topics: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    urgency: str = "normal"
    ttl: int = DEFAULT_TTL
    topic_key: str | None = None  # RFC 8030 Topic: a newer notice replaces an undelivered one
    id: int | None = None
    created: str = ""

    def text(self, lang: str) -> dict[str, str]:
        """Title and body in `lang`, else English."""
        return next(self.texts[code] for code in locale_order(lang) if code in self.texts)

    def payload(self, lang: str) -> bytes:
        """What the service worker receives (JSON), checked against the Web Push size limit."""
        data = {**self.text(lang), "url": self.url, "id": self.id, "lang": lang}
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        if len(body) > PAYLOAD_LIMIT:
            raise ValueError(
                f"notice text too long for Web Push ({len(body)} > {PAYLOAD_LIMIT} bytes)"
            )
        return body


def check(notice: Notice) -> None:
    """Refuse notices a push service or a phone would mishandle."""
    if "en" not in notice.texts or not all(
        t.get("title") and t.get("body") for t in notice.texts.values()
    ):
        raise ValueError("every notice needs an English title and body")
    if notice.urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}")
    if not 0 < notice.ttl <= MAX_TTL:
        raise ValueError(f"ttl must be between 1 second and {MAX_TTL} seconds")
    if not notice.url.startswith("/"):
        raise ValueError("url must be a path on this site, such as /en/notices")
    for lang in notice.texts:
        notice.payload(lang)


def save(conn: sqlite3.Connection, notice: Notice) -> int:
    """Store a notice and a pending delivery for every subscriber it targets; return its id."""
    check(notice)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    conn.execute("begin immediate")
    try:
        cursor = conn.execute(
            "insert into notices (created, texts, url, langs, topics, countries, urgency, ttl, "
            "topic_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now, json.dumps(notice.texts, ensure_ascii=False), notice.url,
             json.dumps(notice.langs), json.dumps(notice.topics), json.dumps(notice.countries),
             notice.urgency, notice.ttl, notice.topic_key),
        )  # fmt: skip
        notice.id, notice.created = cursor.lastrowid, now
        targets = [
            row["id"] for row in conn.execute("select * from subscriptions") if matches(notice, row)
        ]
        conn.executemany(
            "insert into deliveries values (?, ?, 'pending', 0, ?)",
            [(notice.id, sub_id, now) for sub_id in targets],
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return notice.id


def matches(notice: Notice, subscription: sqlite3.Row) -> bool:
    """Language, topic and country targeting; empty lists on either side mean 'all'."""
    topics, countries = json.loads(subscription["topics"]), json.loads(subscription["countries"])
    return (
        (not notice.langs or subscription["lang"] in notice.langs)
        and (not notice.topics or not topics or bool(set(topics) & set(notice.topics)))
        and (not notice.countries or not countries or bool(set(countries) & set(notice.countries)))
    )


def load(conn: sqlite3.Connection, notice_id: int) -> Notice:
    """A stored notice."""
    row = conn.execute("select * from notices where id = ?", (notice_id,)).fetchone()
    if row is None:
        raise LookupError(f"no notice {notice_id}")
    return Notice(
        texts=json.loads(row["texts"]), url=row["url"], langs=json.loads(row["langs"]),
        topics=json.loads(row["topics"]), countries=json.loads(row["countries"]),
        urgency=row["urgency"], ttl=row["ttl"], topic_key=row["topic_key"], id=row["id"],
        created=row["created"],
    )  # fmt: skip


def newest(conn: sqlite3.Connection, lang: str, limit: int = 50) -> list[Notice]:
    """Notices for readers of `lang` (or everyone), newest first."""
    rows = conn.execute("select id, langs from notices order by id desc limit 500").fetchall()
    ids = [r["id"] for r in rows if not json.loads(r["langs"]) or lang in json.loads(r["langs"])]
    return [load(conn, notice_id) for notice_id in ids[:limit]]


def stats(conn: sqlite3.Connection) -> list[dict]:
    """Delivery counts per notice and status."""
    rows = conn.execute(
        "select notice_id, status, count(*) as n from deliveries"
        " group by notice_id, status order by notice_id"
    ).fetchall()
    table: dict[int, dict] = {}
    for row in rows:
        table.setdefault(row["notice_id"], {"notice": row["notice_id"]})[row["status"]] = row["n"]
    return list(table.values())

"""The numbers behind /editor/stats: each chart's rows, computed once for chart and table."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict

from ..content.model import TOPICS
from ..locales import SOURCE_LANG
from . import INDEX, SITE, store

TOP = 15


def day_range(start: str | None, end: str | None, days: int = 30) -> tuple[str, str]:
    """(from, to) as ISO days; defaults to the last `days` days including today."""
    today = dt.date.today()
    try:
        last = dt.date.fromisoformat(end) if end else today
        first = dt.date.fromisoformat(start) if start else last - dt.timedelta(days=days - 1)
    except ValueError:
        last, first = today, today - dt.timedelta(days=days - 1)
    if first > last:
        first, last = last, first
    first = max(first, last - dt.timedelta(days=731))  # keep the chart readable
    return first.isoformat(), last.isoformat()


def _days(start: str, end: str) -> list[str]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def views_per_topic(conn: sqlite3.Connection, start: str, end: str) -> dict:
    """Views per day for each topic (site pages as '_site')."""
    days = _days(start, end)
    position = {day: i for i, day in enumerate(days)}
    series = {topic: [0] * len(days) for topic in (*TOPICS, SITE)}
    for row in store.counts(conn, "view", start, end, "day"):
        values = series.setdefault(row["topic"], [0] * len(days))
        values[position[row["period"]]] += row["count"]
    return {"days": days, "series": series}


def by_language(conn: sqlite3.Connection, start: str, end: str) -> list[tuple[str, int]]:
    """Views per language, most first."""
    totals: dict[str, int] = defaultdict(int)
    for row in store.counts(conn, "view", start, end, "all"):
        totals[row["lang"]] += row["count"]
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def translate_next(conn: sqlite3.Connection, index: sqlite3.Connection, start: str,
                   end: str) -> list[dict]:  # fmt: skip
    """Most-read (language, page) pairs where the page has no translation in that language."""
    existing = {(r[0], r[1], r[2]) for r in index.execute("select lang, topic, slug from pages")}
    pages = {(topic, slug) for _, topic, slug in existing}
    rows = []
    for row in store.counts(conn, "view", start, end, "all"):
        topic = "" if row["topic"] == SITE else row["topic"]
        if row["lang"] == SOURCE_LANG or (topic, row["slug"]) not in pages:
            continue  # tools and listings are not pages to translate
        if (row["lang"], topic, row["slug"]) not in existing:
            rows.append({"lang": row["lang"], "topic": row["topic"], "slug": row["slug"],
                         "views": row["count"]})  # fmt: skip
    return sorted(rows, key=lambda r: (-r["views"], r["lang"], r["topic"], r["slug"]))[:TOP]


def empty_searches(conn: sqlite3.Connection, start: str, end: str) -> list[dict]:
    """Searches that found nothing, by language and query (rare queries pooled, text hidden)."""
    rows = store.with_query_texts(conn, store.counts(conn, "search_empty", start, end, "all"))
    rows = [{"lang": r["lang"], "query": r["detail"], "count": r["count"]} for r in rows]
    return sorted(rows, key=lambda r: (-r["count"], r["lang"], r["query"]))[: TOP * 2]


def helpfulness(conn: sqlite3.Connection, start: str, end: str) -> list[dict]:
    """Yes and no answers per page (all languages), with the share of yes."""
    pages: dict[tuple[str, str], dict] = {}
    for metric in ("helpful_yes", "helpful_no"):
        for row in store.counts(conn, metric, start, end, "all"):
            key = (row["topic"], row["slug"])
            entry = pages.setdefault(key, {"topic": key[0], "slug": key[1], "yes": 0, "no": 0})
            entry[metric.removeprefix("helpful_")] += row["count"]
    for entry in pages.values():
        entry["share"] = round(100 * entry["yes"] / (entry["yes"] + entry["no"]))
    return sorted(pages.values(), key=lambda e: (e["share"], -e["no"], e["topic"], e["slug"]))


def totals(conn: sqlite3.Connection, start: str, end: str) -> list[tuple[str, int]]:
    """The total of every metric in the range."""
    return [
        (metric, sum(r["count"] for r in store.counts(conn, metric, start, end, "all")))
        for metric in store.METRICS
    ]


def page_label(topic: str, slug: str) -> str:
    """A short readable name for a page key, e.g. 'rights/passport' or 'safety'."""
    if topic == SITE:
        return slug
    return f"{topic}/" if slug == INDEX else f"{topic}/{slug}"

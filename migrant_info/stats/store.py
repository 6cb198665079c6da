"""SQL for the statistics tables: add counts, keep common query texts, roll up, read back."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping

METRICS = (
    "view", "search", "search_empty", "short_link", "offline_save", "push_subscribe",
    "push_topic", "push_country", "tool_use", "helpful_yes", "helpful_no",
)  # fmt: skip
OTHER_QUERIES = "(other queries)"  # what rare query texts are published as


def add_counts(conn: sqlite3.Connection, counts: Mapping[tuple, int]) -> None:
    """Add (day, metric, lang, topic, slug, detail) -> n to the daily rows in one transaction."""
    conn.execute("begin immediate")
    try:
        conn.executemany(
            "insert into stats_daily (day, metric, lang, topic, slug, detail, count) "
            "values (?, ?, ?, ?, ?, ?, ?) on conflict (day, metric, lang, topic, slug, detail) "
            "do update set count = count + excluded.count",
            [(*key, n) for key, n in counts.items()],
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def reveal_queries(conn: sqlite3.Connection, texts: Mapping[tuple[str, str], str], k: int,
                   min_days: int) -> list[str]:  # fmt: skip
    """Keep the text of queries searched at least k times on at least min_days days."""
    kept = []
    for (lang, qhash), text in texts.items():
        row = conn.execute(
            "select coalesce(sum(count), 0), count(distinct day) from ("
            " select day, count from stats_daily"
            " where metric = 'search' and lang = ? and detail = ?"
            " union all"
            " select month, count from stats_monthly where metric = 'search' and lang = ?"
            " and detail = ?)",
            (lang, qhash, lang, qhash),
        ).fetchone()
        if row[0] >= k and row[1] >= min_days:
            conn.execute(
                "insert or ignore into stats_search_terms (lang, qhash, text, first_shown) "
                "values (?, ?, ?, ?)",
                (lang, qhash, text, dt.date.today().isoformat()),
            )
            kept.append(text)
    return kept


def rollup(conn: sqlite3.Connection, retention_days: int, today: dt.date | None = None) -> int:
    """Move daily rows older than retention_days into monthly rows; return rows moved."""
    cutoff = ((today or dt.date.today()) - dt.timedelta(days=retention_days)).isoformat()
    conn.execute("begin immediate")
    try:
        conn.execute(
            "insert into stats_monthly (month, metric, lang, topic, slug, detail, count) "
            "select substr(day, 1, 7), metric, lang, topic, slug, detail, sum(count) "
            "from stats_daily where day < ? group by 1, 2, 3, 4, 5, 6 "
            "on conflict (month, metric, lang, topic, slug, detail) "
            "do update set count = count + excluded.count",
            (cutoff,),
        )
        moved = conn.execute("delete from stats_daily where day < ?", (cutoff,)).rowcount
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return moved


def counts(conn: sqlite3.Connection, metric: str, start: str, end: str,
           period: str = "day") -> list[dict]:  # fmt: skip
    """Counts of one metric between two days (inclusive), by period ('day', 'month' or 'all').

    Daily rows cover recent days; older months exist only as monthly rows, so a 'day' period
    sees only what is still kept daily.
    """
    width = {"day": 10, "month": 7, "all": 0}[period]
    rows = conn.execute(
        "select substr(day, 1, ?) as period, lang, topic, slug, detail, sum(count) as count "
        "from stats_daily where metric = ? and day between ? and ? group by 1, 2, 3, 4, 5",
        (width, metric, start, end),
    ).fetchall()
    result = [dict(r) for r in rows]
    if period != "day":
        monthly = conn.execute(
            "select substr(month, 1, ?) as period, lang, topic, slug, detail, sum(count) as count "
            "from stats_monthly where metric = ? and month between ? and ? group by 1, 2, 3, 4, 5",
            (width, metric, start[:7], end[:7]),
        ).fetchall()
        result = _merge(result, (dict(r) for r in monthly))
    return sorted(
        result, key=lambda r: (r["period"], r["lang"], r["topic"], r["slug"], r["detail"])
    )


def _merge(rows: list[dict], more: Iterable[dict]) -> list[dict]:
    merged: dict[tuple, dict] = {}
    for row in [*rows, *more]:
        key = (row["period"], row["lang"], row["topic"], row["slug"], row["detail"])
        if key in merged:
            merged[key]["count"] += row["count"]
        else:
            merged[key] = dict(row)
    return list(merged.values())


def with_query_texts(conn: sqlite3.Connection, rows: list[dict]) -> list[dict]:
    """Search rows with the query text where it may be shown, all others pooled as one row."""
    terms = {
        (r["lang"], r["qhash"]): r["text"]
        for r in conn.execute("select lang, qhash, text from stats_search_terms")
    }
    out = [dict(r, detail=terms.get((r["lang"], r["detail"]), OTHER_QUERIES)) for r in rows]
    return _merge(out, [])


def page_demand(conn: sqlite3.Connection, days: int = 30) -> dict[tuple[str, str], int]:
    """Page views over the last `days` days, summed over languages, by (topic, slug)."""
    start = (dt.date.today() - dt.timedelta(days=days - 1)).isoformat()
    rows = conn.execute(
        "select topic, slug, sum(count) from stats_daily where metric = 'view' and day >= ? "
        "group by topic, slug",
        (start,),
    ).fetchall()
    return {(r[0], r[1]): r[2] for r in rows}

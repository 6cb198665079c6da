"""Open-data tables: the same aggregates as the dashboard, with small counts suppressed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from collections import defaultdict

from . import store
from .suppression import suppress

FIELDS = ("period", "metric", "lang", "topic", "slug", "detail", "row", "count", "suppressed")
ALL = "*"  # stands for "every value" in a total row
MAX_DAYS = 3660
# Push subscriptions are compared across languages; every other metric within one language.
ACROSS_LANGUAGES = {"push_subscribe"}


class BadRequest(ValueError):
    """A period, date or range the export cannot answer."""


def date_range(start: str | None, end: str | None) -> tuple[str, str]:
    """Validated (from, to): complete days only (to ends yesterday at the latest)."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    try:
        # None means "not given"; an empty or malformed value is an error, not the default.
        last = min(dt.date.fromisoformat(end), yesterday) if end is not None else yesterday
        first = dt.date.fromisoformat(start) if start is not None else last - dt.timedelta(days=364)
    except ValueError:
        raise BadRequest("dates must be YYYY-MM-DD") from None
    if first > last:
        raise BadRequest("from must not be after to (to ends yesterday at the latest)")
    if (last - first).days > MAX_DAYS:
        raise BadRequest(f"at most {MAX_DAYS} days at a time")
    return first.isoformat(), last.isoformat()


def table(conn: sqlite3.Connection, metric: str, start: str, end: str, period: str,
          k: int) -> list[dict]:  # fmt: skip
    """Published rows of one metric: cells and group totals, suppressed cells with count None."""
    if metric not in store.METRICS:
        raise BadRequest(f"metric must be one of {', '.join(store.METRICS)}")
    if period not in ("day", "month", "all"):
        raise BadRequest("period must be day, month or all")
    rows = store.counts(conn, metric, start, end, period)
    if metric in ("search", "search_empty"):
        rows = store.with_query_texts(conn, rows)
    across = metric in ACROSS_LANGUAGES
    groups: dict[tuple[str, str], dict[tuple, int]] = defaultdict(dict)
    for r in rows:
        group = (r["period"] or ALL, ALL if across else r["lang"])
        groups[group][(r["lang"], r["topic"], r["slug"], r["detail"])] = r["count"]
    out = []
    for (when, lang), cells in sorted(groups.items()):
        published = suppress(cells, k)
        base = {"period": when, "metric": metric}
        for (cell_lang, topic, slug, detail), count in sorted(published.cells.items()):
            where = {"lang": cell_lang, "topic": topic, "slug": slug, "detail": detail}
            out.append(base | where | {"row": "cell", "count": count, "suppressed": count is None})
        where = {"lang": lang, "topic": ALL, "slug": ALL, "detail": ALL}
        total = published.total
        out.append(base | where | {"row": "total", "count": total, "suppressed": total is None})
    return out


def _safe_cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote those (query texts)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: list[dict]) -> str:
    """CSV with a header line; a suppressed count is an empty field with suppressed=true."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        values = {**row, "suppressed": "true" if row["suppressed"] else "false"}
        writer.writerow([_safe_cell(values[f]) for f in FIELDS])
    return buffer.getvalue()


def document(rows: list[dict], metric: str, start: str, end: str, period: str, k: int) -> dict:
    """The JSON form: what was asked, the threshold, and the rows."""
    return {"metric": metric, "from": start, "to": end, "period": period, "k": k, "rows": rows}


def to_json(rows: list[dict], metric: str, start: str, end: str, period: str, k: int) -> str:
    """JSON text of `document`."""
    return json.dumps(document(rows, metric, start, end, period, k), ensure_ascii=False, indent=1)

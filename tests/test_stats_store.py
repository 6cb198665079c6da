"""The statistics tables: adding counts, keeping common query texts only, the monthly roll-up."""

from __future__ import annotations

import datetime as dt
from contextlib import closing

import pytest

from migrant_info import db
from migrant_info.stats import store


@pytest.fixture
def conn(app):
    with closing(db.connect(db.path_for(app))) as conn:
        db.migrate(conn)
        yield conn


def test_counts_add_up_across_flushes(conn):
    key = ("2026-01-05", "view", "en", "rights", "passport", "")
    store.add_counts(conn, {key: 3})
    store.add_counts(conn, {key: 4})
    assert store.counts(conn, "view", "2026-01-01", "2026-01-31")[0]["count"] == 7


def test_a_query_text_is_kept_only_after_k_searches_on_enough_days(conn):
    texts = {("en", "h1"): "visa fee"}
    store.add_counts(conn, {("2026-01-05", "search", "en", "", "", "h1"): 12})
    assert store.reveal_queries(conn, texts, k=10, min_days=2) == []  # one day only
    store.add_counts(conn, {("2026-01-06", "search", "en", "", "", "h1"): 1})
    assert store.reveal_queries(conn, texts, k=10, min_days=2) == ["visa fee"]
    rows = store.counts(conn, "search", "2026-01-01", "2026-01-31", "all")
    assert store.with_query_texts(conn, rows)[0]["detail"] == "visa fee"


def test_rare_queries_are_published_pooled_without_text(conn):
    store.add_counts(conn, {("2026-01-05", "search", "en", "", "", "h1"): 2,
                            ("2026-01-05", "search", "en", "", "", "h2"): 3})  # fmt: skip
    rows = store.with_query_texts(
        conn, store.counts(conn, "search", "2026-01-01", "2026-01-31", "all")
    )
    assert rows == [{"period": "", "lang": "en", "topic": "", "slug": "", "detail": store.OTHER_QUERIES,
                     "count": 5}]  # fmt: skip


def test_rollup_moves_old_days_into_months_and_keeps_totals(conn):
    today = dt.date(2026, 6, 15)
    store.add_counts(conn, {
        ("2026-01-05", "view", "en", "rights", "passport", ""): 4,
        ("2026-01-20", "view", "en", "rights", "passport", ""): 6,
        ("2026-06-14", "view", "en", "rights", "passport", ""): 1,
    })  # fmt: skip
    before = store.counts(conn, "view", "2026-01-01", "2026-06-30", "all")
    assert store.rollup(conn, retention_days=30, today=today) == 2
    assert [tuple(r) for r in conn.execute("select month, count from stats_monthly")] == [
        ("2026-01", 10)
    ]
    assert [r["day"] for r in conn.execute("select day from stats_daily")] == ["2026-06-14"]
    assert store.counts(conn, "view", "2026-01-01", "2026-06-30", "all") == before
    monthly = store.counts(conn, "view", "2026-01-01", "2026-06-30", "month")
    assert [(r["period"], r["count"]) for r in monthly] == [("2026-01", 10), ("2026-06", 1)]
    # Rolling up again adds nothing twice.
    assert store.rollup(conn, retention_days=30, today=today) == 0
    assert conn.execute("select sum(count) from stats_monthly").fetchone()[0] == 10


def test_page_demand_sums_languages_over_thirty_days(conn):
    today = dt.date.today()
    recent, old = today.isoformat(), (today - dt.timedelta(days=40)).isoformat()
    store.add_counts(conn, {
        (recent, "view", "en", "rights", "passport", ""): 5,
        (recent, "view", "ne", "rights", "passport", ""): 2,
        (old, "view", "en", "rights", "passport", ""): 100,
        (recent, "view", "en", "_site", "safety", ""): 1,
    })  # fmt: skip
    assert store.page_demand(conn) == {("rights", "passport"): 7, ("_site", "safety"): 1}


def test_the_demand_hook_is_installed(app, client):
    client.get("/en/rights/passport")
    with app.test_request_context():
        assert app.extensions["page_demand"]()[("rights", "passport")] == 1

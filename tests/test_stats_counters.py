"""Counting through real requests: views, searches, tools, short links, push; nothing identifying."""

from __future__ import annotations

import subprocess
import sys
import threading
from contextlib import closing

import pytest

from migrant_info import db
from migrant_info.stats import recorder


def rows(app, metric=None):
    """Every daily row after a flush, as (metric, lang, topic, slug, detail) -> count."""
    recorder(app).flush()
    with closing(db.connect(db.path_for(app))) as conn:
        db.migrate(conn)
        found = conn.execute("select * from stats_daily").fetchall()
    return {
        (r["metric"], r["lang"], r["topic"], r["slug"], r["detail"]): r["count"]
        for r in found
        if metric is None or r["metric"] == metric
    }


def test_page_views_are_counted_per_page_and_language(app, client):
    for url in (
        "/en/",
        "/en/rights/",
        "/en/rights/passport",
        "/en/rights/passport",
        "/ne/rights/passport",
        "/en/safety",
        "/en/notices",
        "/en/trafficking/self-check",
    ):
        assert client.get(url).status_code == 200
    views = rows(app, "view")
    assert views[("view", "en", "rights", "passport", "")] == 2
    assert views[("view", "ne", "rights", "passport", "")] == 1
    assert views[("view", "en", "rights", "_index", "")] == 1
    assert views[("view", "en", "_site", "_home", "")] == 1
    assert views[("view", "en", "_site", "safety", "")] == 1
    assert views[("view", "en", "_site", "_notices", "")] == 1
    assert views[("view", "en", "trafficking", "self-check", "")] == 1


def test_not_found_posts_and_background_fetches_are_not_views(app, client):
    client.get("/en/rights/no-such-page")
    client.get("/en/rights/passport", headers={"X-Migrant-Prefetch": "install"})
    client.get("/en/rights/passport", headers={"X-Migrant-Prefetch": "refresh"})
    client.get("/api/offline/en.json")  # the page's own look at sizes: not a save
    assert rows(app, "view") == {}
    assert rows(app, "offline_save") == {}


def test_conditional_requests_count_as_views(app, client):
    first = client.get("/en/rights/passport")
    again = client.get("/en/rights/passport", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert rows(app, "view")[("view", "en", "rights", "passport", "")] == 2


def test_packs_and_saves_count_as_offline_saves(app, client):
    assert (
        client.get("/api/offline/en.json", headers={"X-Migrant-Prefetch": "pack"}).status_code
        == 200
    )
    client.get(
        "/en/", headers={"X-Migrant-Prefetch": "pack"}
    )  # a page of the pack: not counted again
    client.get("/en/rights/passport", headers={"X-Migrant-Prefetch": "save"})
    client.get("/en/rights/wages", headers={"X-Migrant-Prefetch": "save"})
    saves = rows(app, "offline_save")
    assert saves == {
        ("offline_save", "en", "_pack", "", ""): 1,
        ("offline_save", "en", "rights", "passport", ""): 1,
        ("offline_save", "en", "rights", "wages", ""): 1,
    }
    assert rows(app, "view") == {}


def test_searches_count_hashed_queries_and_empty_results(app, client):
    client.get("/en/search?q=Passport")
    client.get("/en/search?q=passport")
    client.get("/en/search?q=zzzqqq")
    client.get("/en/search?q=" + "x" * 500)  # too long: refused, not counted
    found = rows(app)
    searches = {k: v for k, v in found.items() if k[0] == "search"}
    assert sorted(searches.values()) == [1, 2]  # "Passport" and "passport" are one query
    empty = [k for k in found if k[0] == "search_empty"]
    assert len(empty) == 1
    # The text itself is nowhere until enough searches share it.
    with closing(db.connect(db.path_for(app))) as conn:
        assert conn.execute("select count(*) from stats_search_terms").fetchone()[0] == 0
    assert all("passport" not in k[4] for k in found)


def test_tool_uses_count_submissions_never_answers(app, client):
    client.post("/en/trafficking/self-check", data={"q1": "yes", "country": "NP"})
    client.post(
        "/en/remittances/calculator",
        data={"amount": "200", "mid_rate": "133.50", "rate_1": "130.83"},
    )
    uses = rows(app, "tool_use")
    assert uses == {
        ("tool_use", "en", "trafficking", "self-check", ""): 1,
        ("tool_use", "en", "remittances", "calculator", ""): 1,
    }
    with closing(db.connect(db.path_for(app))) as conn:
        dump = "\n".join(conn.iterdump())
    assert "NP" not in dump.split("stats_daily", 1)[-1]


def test_short_link_opens_are_counted_by_target_page(app, client):
    client.get("/en/rights/passport")  # builds the index and short links
    with app.app_context():
        from migrant_info.links import code_for

        code = code_for("ne", "rights", "passport")
    assert client.get(f"/s/{code}").status_code == 302
    assert rows(app, "short_link") == {("short_link", "ne", "rights", "passport", ""): 1}


def test_concurrent_requests_from_many_threads_all_count(app):
    app.test_client().get("/en/")  # index built once
    errors = []

    def read(n):
        client = app.test_client()
        try:
            for _ in range(n):
                assert client.get("/en/rights/wages").status_code == 200
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=read, args=(25,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    recorder(app).flush()  # a flush in the middle loses nothing
    for thread in threads:
        thread.join()
    assert not errors
    assert rows(app, "view")[("view", "en", "rights", "wages", "")] == 200


def test_nothing_identifying_in_the_database_or_the_responses(app, client):
    agent = "Mozilla/5.0 (Linux; Android 9; SM-J260F) UniqueAgentString/4711"
    referrer = "https://referrer.example/secret-path"
    headers = {"User-Agent": agent, "Referer": referrer, "Cookie": "tracking=cookie-value-88"}
    env = {"REMOTE_ADDR": "203.0.113.77"}
    responses = [
        client.get("/en/rights/passport", headers=headers, environ_base=env),
        client.get("/en/search?q=passport", headers=headers, environ_base=env),
        client.post(
            "/en/feedback",
            data={"topic": "rights", "slug": "passport", "helpful": "no"},
            headers=headers,
            environ_base=env,
        ),
        client.post(
            "/en/feedback",
            data={"topic": "rights", "slug": "passport", "comment": "fees"},
            headers=headers,
            environ_base=env,
        ),
    ]
    for response in responses:
        assert "Set-Cookie" not in response.headers
        assert "203.0.113.77" not in str(response.headers)
    recorder(app).flush()
    with closing(db.connect(db.path_for(app))) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    raw = db.path_for(app).read_bytes()
    for secret in ("203.0.113.77", "UniqueAgentString", "referrer.example", "cookie-value-88"):
        assert secret.encode() not in raw
    with closing(db.connect(db.path_for(app))) as conn:
        tables = [
            r[0] for r in conn.execute("select name from sqlite_master where name like 'stats%'")
        ]
        for table in tables:
            columns = {r[1] for r in conn.execute(f"pragma table_info({table})")}
            assert not columns & {"ip", "address", "user_agent", "referrer", "cookie", "timestamp"}
        # Days only: no time of day anywhere in the counts or the answers.
        days = [
            r[0]
            for r in conn.execute(
                "select day from stats_daily union select day from stats_feedback"
            )
        ]
        assert days and all(len(day) == 10 for day in days)


SHUTDOWN = """
import sys
from migrant_info import create_app
app = create_app({"TESTING": True, "INSTANCE_DIR": sys.argv[1], "CONTENT_DIR": sys.argv[2],
                  "STATS_FLUSH_SECONDS": 3600})
client = app.test_client()
for _ in range(3):
    assert client.get("/en/rights/passport").status_code == 200
assert app.extensions["stats"].pending() == 1
"""


def test_counts_are_written_when_the_process_ends(tmp_path, content_dir):
    instance = tmp_path / "instance"
    subprocess.run(
        [sys.executable, "-c", SHUTDOWN, str(instance), str(content_dir)], check=True, timeout=120
    )
    with closing(db.connect(instance / db.DB_NAME)) as conn:
        count = conn.execute(
            "select count from stats_daily where metric = 'view' and slug = 'passport'"
        ).fetchone()
    assert count is not None and count[0] == 3


def test_counting_can_be_switched_off(tmp_path, content_dir):
    from migrant_info import create_app

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_DIR": str(tmp_path / "i"),
            "CONTENT_DIR": str(content_dir),
            "STATS_ENABLED": False,
        }
    )
    app.test_client().get("/en/rights/passport")
    assert recorder(app).pending() == 0


def test_the_flusher_thread_writes_without_being_asked(tmp_path, content_dir):
    import time

    from migrant_info import create_app

    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path / "i"),
                      "CONTENT_DIR": str(content_dir), "STATS_FLUSH_SECONDS": 0.05})  # fmt: skip
    app.test_client().get("/en/rights/passport")
    deadline, written = time.monotonic() + 10, None
    while not written and time.monotonic() < deadline:
        time.sleep(0.05)
        with closing(db.connect(db.path_for(app))) as conn:
            db.migrate(conn)
            written = conn.execute("select sum(count) from stats_daily").fetchone()[0]
    assert written == 1


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, {("view", "en", "rights", "passport", ""): 3}),
        ({"X-Migrant-Prefetch": "save"}, {("offline_save", "en", "rights", "passport", ""): 3}),
        ({"X-Migrant-Prefetch": "refresh"}, {}),
        ({"If-None-Match": "*"}, {("view", "en", "rights", "passport", ""): 3}),
    ],
)
def test_a_replayed_page_counts_like_a_rendered_one(app, client, headers, expected):
    client.get("/languages")  # builds the index: responses are stored from the next request on
    client.get("/en/rights/passport")  # stored, counted as a view
    hits = app.extensions["page_cache"].hits
    for _ in range(3):
        client.get("/en/rights/passport", headers=headers)
    assert app.extensions["page_cache"].hits == hits + 3
    found = rows(app)
    found[("view", "en", "rights", "passport", "")] -= 1  # the storing request
    assert {k: v for k, v in found.items() if v} == expected


def test_replayed_pages_and_searches_still_count(app, client):
    client.get("/languages")  # builds the index: responses are stored from the next request on
    for _ in range(3):
        client.get("/en/rights/passport")
        client.get("/en/search?q=zzzqqq")
    assert app.extensions["page_cache"].hits >= 4  # the second and third of each were replayed
    found = rows(app)
    assert found[("view", "en", "rights", "passport", "")] == 3
    assert sum(v for k, v in found.items() if k[0] == "search") == 3
    assert sum(v for k, v in found.items() if k[0] == "search_empty") == 3

"""The in-process cache of finished reader responses."""

from __future__ import annotations

import pytest
from flask import request_started

from migrant_info.pagecache import PageCache, Stored
from tests.conftest import log_in


def cache(app) -> PageCache:
    return app.extensions["page_cache"]


@pytest.fixture
def client(app):
    """A client of an app whose content index is built (the first request builds it)."""
    client = app.test_client()
    client.get("/languages")
    return client


def test_second_request_is_replayed_byte_for_byte(app, client):
    first = client.get("/en/rights/passport", headers={"Accept-Encoding": "gzip"})
    hits = cache(app).hits
    second = client.get("/en/rights/passport", headers={"Accept-Encoding": "gzip"})
    assert cache(app).hits == hits + 1
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    for name in ("Content-Encoding", "Cache-Control", "Content-Security-Policy", "Vary"):
        assert second.headers[name] == first.headers[name]


def test_a_replayed_page_never_enters_flask(app, client):
    """Hits are answered by the WSGI layer: no request context, no hooks, no template."""
    started = []
    client.get("/en/rights/passport")
    with request_started.connected_to(lambda sender, **extra: started.append(1), app):
        replayed = client.get("/en/rights/passport")
        client.get("/en/rights/passport?print")  # another URL: rendered
    assert replayed.status_code == 200 and "passport" in replayed.text.lower()
    assert len(started) == 1


def test_a_cached_page_is_refused_to_an_untrusted_host(tmp_path, content_dir):
    from migrant_info import create_app

    app = create_app({"INSTANCE_DIR": str(tmp_path / "i"), "CONTENT_DIR": str(content_dir),
                      "TRUSTED_HOSTS": ["migrant.example.org"]})  # fmt: skip
    client, trusted = app.test_client(), {"Host": "migrant.example.org"}
    for _ in range(3):
        assert client.get("/en/", headers=trusted).status_code == 200
    assert cache(app).hits >= 1
    assert client.get("/en/", headers={"Host": "evil.example"}).status_code == 400


def test_each_encoding_is_kept_apart(client):
    plain = client.get("/en/rights/passport", headers={"Accept-Encoding": "identity"})
    client.get("/en/rights/passport", headers={"Accept-Encoding": "br"})
    again = client.get("/en/rights/passport", headers={"Accept-Encoding": "identity"})
    assert again.data == plain.data and "Content-Encoding" not in again.headers


def test_replayed_pages_answer_conditional_requests_and_head(client):
    etag = client.get("/en/rights/passport").headers["ETag"]
    assert client.get("/en/rights/passport", headers={"If-None-Match": etag}).status_code == 304
    head = client.head("/en/rights/passport")
    assert head.status_code == 200 and head.data == b""


def test_a_content_change_retires_cached_pages(app, accounts, content_dir):
    reader = app.test_client()
    assert "राहदानी" in reader.get("/ne/rights/passport").text
    editor = app.test_client()
    log_in(editor, "eddie")
    page = editor.get("/editor/ne/rights/passport").text
    from tests.test_editor_pages import submit

    assert (
        submit(editor, "/editor/ne/rights/passport", page, para=["बिलकुल नयाँ पाठ।"]).status_code
        == 303
    )
    assert "बिलकुल नयाँ पाठ।" in reader.get("/ne/rights/passport").text


@pytest.mark.parametrize("url", ["/en/notices", "/api/push/key", "/editor/login"])
def test_state_and_personal_responses_are_never_stored(app, accounts, client, url):
    client.get(url)
    client.get(url)
    assert not any(url == key[1] for key in cache(app).items)


def test_bounds_drop_the_least_recently_used():
    small = PageCache(entries=2, max_bytes=80)
    for name in ("a", "b", "c"):
        small.put((name,), Stored(200, (), b"x" * 10))
    assert list(small.items) == [("b",), ("c",)]
    small.get(("b",))
    small.put(("d",), Stored(200, (), b"x" * 10))
    assert list(small.items) == [("b",), ("d",)]
    small.put(("huge",), Stored(200, (), b"x" * 11))  # over an eighth of the byte budget
    assert ("huge",) not in small.items and small.size == 20


def test_cache_can_be_turned_off(tmp_path, content_dir):
    from migrant_info import create_app

    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path / "i"),
                      "CONTENT_DIR": str(content_dir), "PAGE_CACHE_ENTRIES": 0})  # fmt: skip
    client = app.test_client()
    client.get("/en/")
    client.get("/en/")
    assert cache(app).hits == 0 and not cache(app).items


def test_nested_requests_never_store_a_body_under_another_key(tmp_path, content_dir):
    """/api/offline renders pages through nested requests that share flask.g."""
    from migrant_info import create_app

    # Content no other test has: the offline sizes are memoised per content version.
    (content_dir / "en" / "rights" / "nested.md").write_text(
        (content_dir / "en" / "rights" / "passport.md").read_text()
    )
    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path / "i"),
                      "CONTENT_DIR": str(content_dir)})  # fmt: skip
    client = app.test_client()
    client.get("/api/offline/en.json", headers={"Accept-Encoding": "br"})
    entries = cache(app).items
    assert len(entries) > 3
    for (_, path, _, encoding, _), stored in entries.items():
        headers = dict(stored.headers)
        assert headers.get("Content-Encoding") == encoding, path
        is_json = headers["Content-Type"].startswith("application/json")
        assert is_json == path.endswith(".json"), path


@pytest.mark.parametrize(
    "query", ["fbclid=IwAR0abc", "utm_source=sms&utm_campaign=consulate", "gclid=x&fbclid=y"]
)
def test_a_link_with_tracking_parameters_is_answered_from_the_cache(app, client, query):
    started = []
    first = client.get("/en/rights/passport", headers={"Accept-Encoding": "gzip"})
    with request_started.connected_to(lambda sender, **extra: started.append(1), app):
        tagged = client.get(f"/en/rights/passport?{query}", headers={"Accept-Encoding": "gzip"})
    assert started == [] and tagged.data == first.data


@pytest.mark.parametrize(
    "query, kept",
    [("", ""), ("q=passport", "q=passport"), ("q=a&fbclid=b", "q=a"),
     ("utm_medium=x&print", "print"), ("print=facilitator&utm_=1", "print=facilitator"),
     ("fbclidx=1", "fbclidx=1"), ("q=utm_source", "q=utm_source")],
)  # fmt: skip
def test_only_tracking_parameters_leave_the_cache_key(query, kept):
    from migrant_info.http import canonical_query

    assert canonical_query(query) == kept

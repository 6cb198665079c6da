"""'Was this helpful?': the form on every page, limits, the rate limit and moderation."""

from __future__ import annotations

from contextlib import closing

import pytest

from migrant_info import create_app, db
from migrant_info.stats import recorder
from tests.stats_login import csrf, log_in

PAGE = {"topic": "rights", "slug": "passport"}


def comments(app):
    with closing(db.connect(db.path_for(app))) as conn:
        db.migrate(conn)
        return [dict(r) for r in conn.execute("select * from stats_feedback order by id")]


def test_every_page_has_a_plain_feedback_form(client):
    for url in ("/en/rights/passport", "/ar/rights/passport", "/en/safety"):
        html = client.get(url).get_data(as_text=True)
        assert 'class="helpful" method="post"' in html
        assert 'name="helpful" value="yes"' in html and "csrf" not in html
    assert "هل كانت هذه الصفحة مفيدة؟" in client.get("/ar/rights/passport").get_data(as_text=True)


def test_yes_is_counted_and_thanked_in_the_readers_language(app, client):
    response = client.post("/ne/feedback", data={**PAGE, "helpful": "yes"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "तपाईंको जवाफका लागि धन्यवाद।" in html and 'name="comment"' not in html
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers
    recorder(app).flush()
    with closing(db.connect(db.path_for(app))) as conn:
        row = conn.execute(
            "select lang, topic, slug, count from stats_daily where metric = 'helpful_yes'"
        ).fetchone()
    assert tuple(row) == ("ne", "rights", "passport", 1)


def test_no_offers_the_missing_box_and_stores_only_day_page_and_text(app, client):
    response = client.post("/en/feedback", data={**PAGE, "helpful": "no"})
    html = response.get_data(as_text=True)
    assert 'name="comment"' in html and 'maxlength="500"' in html
    text = "Please say what the fee is\x00 for\n\n a visa   " + "x" * 800
    assert client.post("/en/feedback", data={**PAGE, "comment": text}).status_code == 200
    [stored] = comments(app)
    assert set(stored) == {"id", "day", "lang", "topic", "slug", "text", "hidden"}
    assert stored["text"].startswith("Please say what the fee is for a visa x")
    assert len(stored["text"]) == 500 and "\x00" not in stored["text"]
    assert len(stored["day"]) == 10


def test_an_empty_comment_stores_nothing(app, client):
    client.post("/en/feedback", data={**PAGE, "comment": "   "})
    assert comments(app) == []


def test_unknown_pages_and_answers_are_refused(client):
    assert (
        client.post(
            "/en/feedback", data={"topic": "rights", "slug": "nope", "helpful": "yes"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/en/feedback", data={"topic": "evil", "slug": "passport", "helpful": "yes"}
        ).status_code
        == 404
    )
    assert client.post("/zz/feedback", data={**PAGE, "helpful": "yes"}).status_code == 404
    assert client.post("/en/feedback", data={**PAGE, "helpful": "maybe"}).status_code == 400
    assert client.post("/en/feedback", data={**PAGE, "comment": "x" * 9000}).status_code == 413


@pytest.fixture
def limited(tmp_path, content_dir):
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "CONTENT_DIR": str(content_dir),
            "STATS_FEEDBACK_LIMIT": [3, 3600],
        }
    )


def test_rate_limit_holds_across_app_instances_and_is_per_client(limited, tmp_path, content_dir):
    other_process = create_app(
        {
            "TESTING": True,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "CONTENT_DIR": str(content_dir),
            "STATS_FEEDBACK_LIMIT": [3, 3600],
            "SECRET_KEY": limited.config["SECRET_KEY"],
        }
    )
    me = {"REMOTE_ADDR": "198.51.100.7"}
    first, second = limited.test_client(), other_process.test_client()
    codes = [
        first.post("/en/feedback", data={**PAGE, "helpful": "no"}, environ_base=me).status_code
        for _ in range(2)
    ]
    codes.append(
        second.post("/en/feedback", data={**PAGE, "comment": "x"}, environ_base=me).status_code
    )
    blocked = second.post("/en/feedback", data={**PAGE, "comment": "y"}, environ_base=me)
    assert codes == [200, 200, 200] and blocked.status_code == 429
    assert "Please try again later" in blocked.get_data(as_text=True)
    someone_else = first.post(
        "/en/feedback",
        data={**PAGE, "helpful": "yes"},
        environ_base={"REMOTE_ADDR": "198.51.100.8"},
    )
    assert someone_else.status_code == 200
    assert [c["text"] for c in comments(limited)] == ["x"]
    with closing(db.connect(db.path_for(limited))) as conn:
        keys = [r[0] for r in conn.execute("select key from stats_feedback_limit")]
    assert keys and all(key.startswith("client:") and "198.51" not in key for key in keys)


def test_editors_hide_and_delete_answers(app, client):
    client.post("/en/feedback", data={**PAGE, "comment": "call me on 555"})
    client.post("/en/feedback", data={**PAGE, "comment": "more on wages"})
    first, second = (c["id"] for c in comments(app))
    assert client.post(f"/editor/stats/feedback/{first}", data={"action": "hide"}).status_code in (
        400,
        302,
    )
    log_in(app, client)
    token = csrf(client)
    assert (
        client.post(
            f"/editor/stats/feedback/{first}", data={"action": "hide", "csrf_token": token}
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/editor/stats/feedback/{second}", data={"action": "delete", "csrf_token": token}
        ).status_code
        == 303
    )
    assert (
        client.post(f"/editor/stats/feedback/{first}", data={"action": "hide"}).status_code == 400
    )  # no token
    assert [(c["id"], c["hidden"]) for c in comments(app)] == [(first, 1)]
    assert "(hidden) call me on 555" in client.get("/editor/stats").get_data(as_text=True)


def test_translators_see_answers_but_cannot_moderate(app, client):
    client.post("/en/feedback", data={**PAGE, "comment": "more on wages"})
    log_in(app, client, "tina", "translator", ("ne",))
    html = client.get("/editor/stats").get_data(as_text=True)
    assert "more on wages" in html and 'value="delete"' not in html
    [comment] = comments(app)
    response = client.post(
        f"/editor/stats/feedback/{comment['id']}",
        data={"action": "delete", "csrf_token": csrf(client)},
    )
    assert response.status_code == 403 and len(comments(app)) == 1

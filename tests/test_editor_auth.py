"""Login, sessions, rate limits, CSRF and cookies of the editors' area."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from migrant_info import create_app, db
from tests.conftest import PASSWORDS, csrf_token, log_in


def test_editor_pages_need_a_login(client, accounts):
    response = client.get("/editor/?lang=ne")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/editor/login?next=/editor/")


def test_login_goes_where_the_editor_was_going(client, accounts):
    token = csrf_token(client.get("/editor/login").text)
    response = client.post("/editor/login?next=/editor/ne/rights/passport",
                           data={"name": "ana", "password": PASSWORDS["ana"], "csrf_token": token})  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"] == "/editor/ne/rights/passport"


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/en/", "/editor\\@evil", "javascript:1"],
)
def test_login_never_redirects_off_the_editor_area(client, accounts, target):
    token = csrf_token(client.get("/editor/login").text)
    response = client.post("/editor/login", query_string={"next": target},
                           data={"name": "ana", "password": PASSWORDS["ana"], "csrf_token": token})  # fmt: skip
    assert response.headers["Location"] == "/editor/"


def test_wrong_name_and_wrong_password_get_the_same_message(client, accounts):
    wrong_password = log_in(client, "ana", "blue-kettle-harbor-00")
    wrong_name = log_in(client, "nobody", "blue-kettle-harbor-93")
    assert wrong_password.status_code == wrong_name.status_code == 401
    message = "That name and password do not match an active account."
    assert message in wrong_password.text and message in wrong_name.text


def test_login_is_limited_per_account_even_with_the_right_password(client, accounts):
    for _ in range(5):
        assert log_in(client, "ana", "wrong-password-123").status_code == 401
    blocked = log_in(client, "ana")
    assert blocked.status_code == 429 and "Too many failed attempts" in blocked.text
    assert log_in(client, "eddie").status_code == 303  # other accounts are not locked out


def test_login_limit_is_shared_by_every_worker(app, accounts, tmp_path, content_dir):
    """Two app objects on one instance folder stand for two gunicorn workers."""
    other = create_app({"TESTING": True, "INSTANCE_DIR": app.instance_path,
                        "CONTENT_DIR": str(content_dir), "SECRET_KEY": app.config["SECRET_KEY"]})  # fmt: skip
    first, second = app.test_client(), other.test_client()
    for client in (first, second, first, second, first):
        log_in(client, "ana", "wrong-password-123")
    assert log_in(second, "ana").status_code == 429


def test_login_is_limited_per_client_across_accounts(app, accounts):
    app.config["LOGIN_LIMIT_CLIENT"] = [3, 900]
    client = app.test_client()
    for name in ("x1", "x2", "x3"):
        log_in(client, name, "wrong-password-123")
    assert log_in(client, "eddie").status_code == 429


def test_failures_store_no_address(app, accounts):
    client = app.test_client()
    log_in(client, "ana", "wrong-password-123")
    with sqlite3.connect(db.path_for(app)) as conn:
        keys = [row[0] for row in conn.execute("select key from login_failures")]
    assert "account:ana" in keys
    assert all("127.0.0.1" not in key for key in keys)
    assert b"127.0.0.1" not in db.path_for(app).read_bytes()


def test_login_starts_a_new_session(client, accounts):
    client.get("/editor/login")
    before = client.get_cookie("editor_session", path="/editor").value
    log_in(client, "eddie")
    after = client.get_cookie("editor_session", path="/editor").value
    assert before != after
    # A cookie planted before login (fixation) opens nothing afterwards.
    attacker = client.application.test_client()
    attacker.set_cookie("editor_session", before, path="/editor")
    assert attacker.get("/editor/").status_code == 302


def test_session_cookie_flags(client, accounts):
    response = log_in(client, "eddie")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/editor" in cookie
    assert "Secure" not in cookie  # plain http on loopback (the test client's localhost)


def test_session_cookie_is_secure_off_loopback(app, accounts):
    client = app.test_client()
    page = client.get("/editor/login", base_url="http://editors.example.org")
    assert "Secure" in page.headers["Set-Cookie"]


def test_reader_pages_never_get_the_editor_cookie(editor_client):
    response = editor_client.get("/en/rights/passport")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public")


def test_editor_pages_are_not_cached(editor_client):
    assert editor_client.get("/editor/").headers["Cache-Control"] == "no-store"


def _age_session(app, **columns):
    with sqlite3.connect(db.path_for(app)) as conn:
        for column, hours in columns.items():
            when = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).isoformat()
            conn.execute(f"update editor_sessions set {column} = ?", (when,))


@pytest.mark.parametrize("column, hours", [("last_seen", 1), ("created", 13)])
def test_idle_and_old_sessions_end(app, editor_client, column, hours):
    assert editor_client.get("/editor/").status_code == 200
    _age_session(app, **{column: hours})
    response = editor_client.get("/editor/")
    assert response.status_code == 302
    login = editor_client.get(response.headers["Location"])
    assert "Your session ended" in login.text


def test_logout_ends_the_session_on_the_server(app, editor_client):
    cookie = editor_client.get_cookie("editor_session", path="/editor").value
    page = editor_client.get("/editor/").text
    assert (
        editor_client.post("/editor/logout", data={"csrf_token": csrf_token(page)}).status_code
        == 303
    )
    replay = app.test_client()
    replay.set_cookie("editor_session", cookie, path="/editor")
    assert replay.get("/editor/").status_code == 302


def test_disabling_an_account_ends_its_sessions(app, editor_client, runner):
    assert runner.invoke(args=["users", "disable", "eddie"]).exit_code == 0
    assert editor_client.get("/editor/").status_code == 302


@pytest.mark.parametrize(
    "path",
    ["/editor/login", "/editor/logout", "/editor/ne/rights/passport", "/editor/new",
     "/editor/languages", "/editor/preview", "/editor/ne/rights/passport/review",
     "/editor/en/rights/passport/revisions/1/restore"],
)  # fmt: skip
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_editor_form_needs_the_csrf_token(app, accounts, path, token):
    client = app.test_client()
    log_in(client, "root")
    data = {"csrf_token": token} if token else {}
    response = client.post(path, data={**data, "name": "root", "password": PASSWORDS["root"]})
    assert response.status_code == 400
    assert "Form expired" in response.text or "CSRF" in response.text

"""Attack inputs, each a test: traversal, oversized bodies, redirects, spoofed headers."""

from __future__ import annotations

import re

import pytest

from migrant_info import create_app
from migrant_info.http import SECURITY_HEADERS
from tests.conftest import PASSWORDS, log_in

TRAVERSALS = [
    "..", "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e", "....//....//etc",
    "/etc/passwd", "%00", "a%00.md", "..\\..\\windows", "~root", "%252e%252e%252f",
]  # fmt: skip


def _routes(app, method: str):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint != "static":
            yield rule


def _fill(rule: str, value: str) -> str:
    """The rule's URL with every variable set to `value` (numbers where it takes an int)."""
    rule = re.sub(r"<int:[^>]+>", "1", rule)
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: value, rule)


@pytest.mark.parametrize("payload", TRAVERSALS)
def test_traversal_in_every_variable_route(app, accounts, content_dir, payload):
    client = app.test_client()
    log_in(client, "root")  # the editors' routes too, with every right
    for rule in _routes(app, "GET"):
        if not rule.arguments:
            continue
        url = _fill(rule.rule, payload)
        response = client.get(url)
        assert response.status_code < 500, url
        assert b"root:x:0:0" not in response.data, url
        if response.status_code in (301, 302, 303, 307, 308):
            assert response.headers["Location"].startswith("/"), url
            assert not response.headers["Location"].startswith("//"), url
    assert not (content_dir.parent / "etc").exists()


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_oversized_bodies_get_413_on_every_route(app, accounts, method):
    client = app.test_client()
    log_in(client, "root")
    big = b"x" * (app.config["EDITOR_MAX_BODY"] + 1)
    for rule in _routes(app, method):
        url = _fill(rule.rule, "en")
        response = client.open(url, method=method, data=big,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert response.status_code == 413, (url, response.status_code)


def test_every_response_carries_the_security_headers(app, accounts):
    client = app.test_client()
    log_in(client, "root")
    urls = [rule.rule for rule in _routes(app, "GET") if not rule.arguments]
    urls += ["/nope", "/en/nope/nope", "/api/push/key?x=1", "/editor/ne/rights/nope", "/s/zzzzz"]
    for url in urls:
        response = client.get(url)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (url, name)
    too_big = client.post("/api/push/subscriptions", data=b"x" * 70000)
    assert too_big.status_code == 413 and "Content-Security-Policy" in too_big.headers


@pytest.mark.parametrize(
    "url", ["//evil.example/", "/s/%2F%2Fevil.example", "/s/..%2F..%2Fevil", "/\\evil.example/",
            "/en//evil.example", "/en/rights/passport/..%2F..%2F%2Fevil.example"],
)  # fmt: skip
def test_no_open_redirects(client, url):
    response = client.get(url)
    location = response.headers.get("Location", "")
    assert not location.startswith(("//", "http://evil", "https://evil", "/\\")), location


def test_login_next_never_leaves_the_site(app, accounts):
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "/editor/../../x"):
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/editor/login").text)
        response = client.post("/editor/login", query_string={"next": target},
                               data={"name": "eddie", "password": PASSWORDS["eddie"],
                                     "csrf_token": token.group(1)})  # fmt: skip
        assert response.headers["Location"] in ("/editor/", "/editor/../../x")


def test_forwarded_headers_are_ignored_without_a_configured_proxy(app, accounts):
    app.config["LOGIN_LIMIT_CLIENT"] = [3, 900]
    client = app.test_client()
    for n, name in enumerate(("x1", "x2", "x3")):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/editor/login").text)
        client.post("/editor/login", data={"name": name, "password": "wrong-password-1",
                                           "csrf_token": token.group(1)},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"})  # fmt: skip
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/editor/login").text)
    response = client.post("/editor/login", data={"name": "eddie", "password": PASSWORDS["eddie"],
                                                  "csrf_token": token.group(1)},
                           headers={"X-Forwarded-For": "198.51.100.7"})  # fmt: skip
    assert response.status_code == 429  # rotating a spoofed header did not make new clients


def test_forwarded_headers_count_behind_a_configured_proxy(tmp_path, content_dir):
    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path / "i"),
                      "CONTENT_DIR": str(content_dir), "PROXY_COUNT": 1})  # fmt: skip
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, scheme=request.scheme, host=request.host)
        return "ok"

    app.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9",
                                              "X-Forwarded-Proto": "https",
                                              "X-Forwarded-Host": "migrant.example.org"})  # fmt: skip
    assert seen == {"addr": "203.0.113.9", "scheme": "https", "host": "migrant.example.org"}


def test_host_header_never_reaches_absolute_links(client):
    page = client.get("/en/rights/passport", headers={"Host": "evil.example"})
    assert page.status_code == 200
    assert b"evil.example" not in page.data


def test_trusted_hosts_refuse_other_host_headers(tmp_path, content_dir):
    app = create_app({"INSTANCE_DIR": str(tmp_path / "i"), "CONTENT_DIR": str(content_dir),
                      "TRUSTED_HOSTS": ["migrant.example.org"]})  # fmt: skip
    client = app.test_client()
    assert client.get("/en/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/en/", headers={"Host": "migrant.example.org"}).status_code == 200

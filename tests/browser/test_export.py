"""The static export in real Chromium: from file:// (USB stick) and from a static web server."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from migrant_info.export import export_site

from .test_offline import wait_for


@pytest.fixture
def usb(app, tmp_path):
    target = tmp_path / "usb"
    assert export_site(app, target).broken == []
    return target


def test_page_opens_from_file_and_search_finds_nepali(page, usb):
    page.goto((usb / "ne/rights/passport/index.html").as_uri())
    assert page.locator("article h1").inner_text() == "राहदानी तपाईंको हो"
    assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the stylesheet loaded
    page.fill("#footer-q", "राहदानी")
    page.locator(".site-footer button").click()
    page.locator(".results li").first.wait_for()
    assert "राहदानी" in page.locator(".results").inner_text()
    page.locator(".results a").first.click()
    assert page.url.startswith("file://") and page.url.endswith("/index.html")
    assert not page.console_errors


def test_links_work_from_file(page, usb):
    page.goto((usb / "index.html").as_uri())
    page.get_by_role("link", name="नेपाली").click()
    page.locator(".topic-cards a").first.click()
    assert page.url.endswith("/ne/rights/index.html")


def test_service_worker_installs_when_served_over_http(page, usb):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(usb))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/ne/")
        wait_for(page, "async () => !!navigator.serviceWorker.controller")
        names = page.evaluate("caches.keys()")
        assert any(n.startswith("shell-") for n in names)
        wait_for(page, "async () => (await caches.keys()).some((n) => n.startsWith('pack-ne-'))")
    finally:
        server.shutdown()

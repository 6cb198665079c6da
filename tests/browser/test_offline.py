"""Offline in real Chromium: service worker, emergency pack, save for offline, updates, clearing."""

from __future__ import annotations

import json
import time
from pathlib import Path

from migrant_info.content import index


def wait_for(page, script, timeout=30.0):
    """Poll an async JavaScript predicate until it is truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {script}")


PACK_READY = """async () => {
  const names = await caches.keys();
  const pack = names.find((n) => n.startsWith('pack-ne-'));
  if (!pack || !navigator.serviceWorker.controller) return false;
  return !!(await (await caches.open(pack)).match('/ne/trafficking/helplines'));
}"""


def test_nepali_reader_keeps_reading_offline(page, live_server, browser_context):
    page.goto(f"{live_server.url}/ne/")
    wait_for(page, PACK_READY)
    browser_context.set_offline(True)

    page.reload()  # (a) the visited page
    assert page.locator("h1").first.inner_text()
    assert page.locator("#saved-note").is_visible()

    for path in ("/ne/trafficking/helplines", "/ne/trafficking/in-danger-now", "/ne/safety"):
        page.goto(live_server.url + path)  # (b) never visited, but in the emergency pack
        assert page.locator("article h1").is_visible(), path

    page.goto(f"{live_server.url}/ne/rights/wages")  # (c) neither visited nor saved
    assert page.locator("#offline-available").count() == 1
    wait_for(page, "() => document.querySelector('#offline-available').dataset.ready === 'yes'")
    listed = page.locator("#offline-available a").evaluate_all("els => els.map(e => e.pathname)")
    assert "/ne/trafficking/helplines" in listed and "/ne/rights/wages" not in listed

    browser_context.set_offline(False)  # (d) save a topic, then read all of it offline
    page.goto(f"{live_server.url}/ne/remittances/")
    saver = page.locator("#save-offline")
    saver.wait_for(state="visible")
    assert "KB" in saver.locator("[role=status]").inner_text()
    saver.locator("button").click()
    wait_for(page, "() => document.querySelector('#save-offline').dataset.saved === 'yes'")
    browser_context.set_offline(True)
    for path in ("/ne/remittances/real-cost", "/ne/remittances/mobile-money"):
        page.goto(live_server.url + path)
        assert page.locator("article h1").is_visible(), path
    assert not page.console_errors


def test_new_content_offers_an_update_and_drops_old_caches(page, live_server, app):
    page.goto(f"{live_server.url}/en/")
    wait_for(
        page, "async () => !!navigator.serviceWorker.controller && (await caches.keys()).length > 1"
    )
    old_version = page.evaluate(
        "async () => (await caches.keys()).find(n => n.startsWith('shell-')).slice(6)"
    )
    content_dir = Path(app.config["CONTENT_DIR"])
    page_file = content_dir / "en/rights/wages.md"
    page_file.write_text(page_file.read_text() + "\nNew rule.\n", encoding="utf-8")
    index.build(content_dir, Path(app.config["INDEX_PATH"]))

    page.reload()
    banner = page.locator("#update-banner")
    banner.wait_for(state="visible", timeout=15000)
    with page.expect_navigation():
        page.locator("#update-reload").click()
    wait_for(page, f"async () => !(await caches.keys()).some(n => n.endsWith('{old_version}'))")
    names = page.evaluate("caches.keys()")
    assert names and all(not n.endswith(old_version) for n in names)


def test_clear_my_traces_removes_caches_and_worker(page, live_server):
    page.goto(f"{live_server.url}/en/")
    wait_for(
        page, "async () => !!navigator.serviceWorker.controller && (await caches.keys()).length > 0"
    )
    page.goto(f"{live_server.url}/en/safety")
    page.locator("#clear-traces").click()
    page.wait_for_url("**/en/clear")
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0


def test_manifest_is_installable_and_in_the_reader_language(page, live_server, browser_context):
    page.goto(f"{live_server.url}/ar/")
    wait_for(page, "async () => !!navigator.serviceWorker.controller")
    session = browser_context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    for lang, direction in (("ar", "rtl"), ("en", "ltr")):
        manifest = json.loads(
            page.evaluate(f"fetch('/{lang}/manifest.webmanifest').then(r => r.text())")
        )
        assert (manifest["lang"], manifest["dir"], manifest["start_url"]) == (
            lang,
            direction,
            f"/{lang}/",
        )
        assert manifest["scope"] == f"/{lang}/" and manifest["display"] == "standalone"
        assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}


def test_no_console_errors(page, live_server):
    for path in (
        "/en/",
        "/en/rights/",
        "/en/rights/passport",
        "/ar/",
        "/ar/rights/",
        "/ar/rights/passport",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert page.console_errors == []


def test_saved_pages_are_refreshed_with_etags_when_back_online(
    page, live_server, browser_context, app
):
    seen = []

    @app.after_request
    def record(response):
        from flask import request

        if request.path.startswith("/en/remittances/") and request.path != "/en/remittances/":
            seen.append(
                (request.path, bool(request.headers.get("If-None-Match")), response.status_code)
            )
        return response

    page.goto(f"{live_server.url}/en/remittances/")
    wait_for(page, "async () => !!navigator.serviceWorker.controller")
    page.locator("#save-offline").wait_for(state="visible")
    page.locator("#save-offline button").click()
    wait_for(page, "() => document.querySelector('#save-offline').dataset.saved === 'yes'")

    content_dir = Path(app.config["CONTENT_DIR"])
    changed = content_dir / "en/remittances/real-cost.md"
    changed.write_text(changed.read_text() + "\nFees changed in 2026.\n", encoding="utf-8")
    index.build(content_dir, Path(app.config["INDEX_PATH"]))
    seen.clear()
    browser_context.set_offline(True)
    page.wait_for_timeout(300)
    browser_context.set_offline(False)  # the page hears 'online' and asks the worker to refresh
    wait_for(
        page,
        """async () => {
          const hit = await (await caches.open('saved-en')).match('/en/remittances/real-cost');
          return hit && (await hit.text()).includes('Fees changed in 2026');
        }""",
        timeout=45,
    )
    assert ("/en/remittances/mobile-money", True, 304) in seen  # unchanged: revalidated cheaply
    assert ("/en/remittances/real-cost", True, 200) in seen


def test_page_cache_drops_the_least_recently_used_page(page, live_server, browser_context, app):
    app.config["OFFLINE_PAGE_CACHE"] = 3
    page.goto(f"{live_server.url}/en/")
    wait_for(page, "async () => !!navigator.serviceWorker.controller")
    pages_cache = (
        "async () => { const n = (await caches.keys()).find((k) => k.startsWith('pages-'));"
        " return (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname); }"
    )
    for path in ("/en/rights/passport", "/en/rights/wages", "/en/legal-channels/visas"):
        page.goto(live_server.url + path)
    wait_for(
        page, f"async () => ({pages_cache})().then((k) => k.includes('/en/legal-channels/visas'))"
    )
    browser_context.set_offline(True)
    page.goto(f"{live_server.url}/en/rights/passport")  # read again offline: now the most recent
    browser_context.set_offline(False)
    page.goto(f"{live_server.url}/en/remittances/real-cost")
    kept = wait_for(
        page,
        f"async () => {{ const k = await ({pages_cache})();"
        " return k.length === 3 && k.includes('/en/remittances/real-cost') && k; }",
    )
    assert "/en/rights/passport" in kept and "/en/rights/wages" not in kept

"""The readers' feedback form and the editors' statistics charts in real Chromium."""

from __future__ import annotations

from contextlib import closing

from migrant_info import db
from migrant_info.editor.accounts import add_user
from migrant_info.stats import recorder
from tests.stats_login import PASSWORD

from .test_offline import wait_for


def test_feedback_form_works_without_javascript_and_charts_render(
    app, live_server, browser_context, page
):
    with closing(db.connect(db.path_for(app))) as conn:
        db.migrate(conn)
        add_user(conn, "eddie", "editor", PASSWORD)
    page.goto(f"{live_server.url}/ne/rights/wages")
    page.locator(".helpful button[value=no]").click()
    page.wait_for_selector("#comment")
    page.fill("#comment", "Minimum wage in Qatar")
    page.locator(".helpful-more button[type=submit]").click()
    page.wait_for_selector("text=धन्यवाद")
    assert not browser_context.cookies()  # readers stay cookie-free

    page.goto(f"{live_server.url}/editor/login")
    page.fill("#name", "eddie")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/editor/stats")
    for chart in ("#chart-topics", "#chart-languages", "#chart-translate", "#chart-helpful"):
        box = page.locator(chart).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 20, chart
    # The line for rights and the bars were drawn, with real size on screen.
    line = page.locator("#chart-topics polyline").first.bounding_box()
    assert line and line["width"] > 100
    bar = page.locator("#chart-translate rect.bar").first.bounding_box()
    assert bar and bar["width"] > 10
    assert page.locator("#table-feedback").inner_text().count("Minimum wage in Qatar") == 1
    # The editors' area links its icon too: nothing may fail, not even a favicon 404.
    assert not page.console_errors, page.console_errors


def test_service_worker_fetches_are_not_counted_as_views(app, live_server, page):
    page.goto(f"{live_server.url}/ne/rights/passport")
    wait_for(page, "async () => !!navigator.serviceWorker.controller")
    # The worker stored the emergency pack with its own fetches: a pack save, not page views.
    wait_for(page, "async () => (await caches.keys()).some((name) => name.startsWith('pack-ne-'))")
    page.reload()  # every load asks the worker for the pack again: no second save
    wait_for(page, "async () => !!navigator.serviceWorker.controller")
    page.wait_for_timeout(1000)
    recorder(app).flush()
    with closing(db.connect(db.path_for(app))) as conn:
        views = {
            (r[0], r[1]): r[2]
            for r in conn.execute(
                "select topic, slug, count from stats_daily where metric = 'view' and lang = 'ne'"
            )
        }
        packs = conn.execute(
            "select count from stats_daily where metric = 'offline_save'"
        ).fetchall()
    assert views == {("rights", "passport"): 2}
    assert [tuple(p) for p in packs] == [(1,)]

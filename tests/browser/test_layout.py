"""In real Chromium: right-to-left layout mirrors, and pages work with JavaScript off."""

from __future__ import annotations


def test_arabic_page_is_right_to_left_with_navigation_on_the_right(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/ar/rights/passport")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    first_topic = page.locator(".topics-nav li").first.bounding_box()
    last_topic = page.locator(".topics-nav li").last.bounding_box()
    brand = page.locator(".brand").bounding_box()
    exit_button = page.locator(".exit").bounding_box()
    # Reading starts on the right: the brand and the first topic link sit right of what follows.
    assert brand["x"] > exit_button["x"]
    assert first_topic["x"] + first_topic["width"] > 360 / 2
    assert first_topic["x"] >= last_topic["x"] or first_topic["y"] < last_topic["y"]
    heading = page.locator("article h1").bounding_box()
    assert heading["x"] + heading["width"] > 360 - 40  # starts at the right edge


def test_english_page_is_left_to_right(page, live_server):
    page.goto(f"{live_server.url}/en/rights/passport")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert page.locator(".brand").bounding_box()["x"] < page.locator(".exit").bounding_box()["x"]


def test_site_works_with_javascript_disabled(playwright_instance, live_server, tmp_path):
    from .conftest import CHROMIUM, CHROMIUM_ARGS

    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "nojs"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        java_script_enabled=False,
    )
    try:
        page = context.pages[0]
        page.goto(f"{live_server.url}/ne/")
        page.get_by_role("link", name="तपाईंका अधिकार").first.click()
        assert page.url.endswith("/ne/rights/")
        page.locator(".page-list a").first.click()
        assert "/ne/rights/" in page.url
        page.fill("#footer-q", "राहदानी")
        page.locator(".site-footer button").click()
        assert "/ne/search?q=" in page.url
        assert page.locator(".results li").count() >= 1
        assert page.locator("mark").first.inner_text() == "राहदानी"
    finally:
        context.close()


def test_no_horizontal_scroll_at_320px_and_200_percent_text(page, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    for url in ("/en/", "/ar/rights/passport", "/en/remittances/real-cost", "/ne/search?q=राहदानी"):
        page.goto(live_server.url + url)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (url, overflow)


def test_skip_link_moves_focus_to_main(page, live_server):
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

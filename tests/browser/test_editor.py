"""The translation editor in real Chromium: drift highlight, live preview, save, drafts."""

from __future__ import annotations

from tests.conftest import PASSWORDS, log_in
from tests.test_editor_drift import CHANGED, change_source_paragraph

NASTY = '<script>alert("script")</script><img src="/nowhere.png" onerror="alert(\'img\')">'


def _login(page, base: str, target: str) -> None:
    page.goto(f"{base}/editor/login?next={target}")
    page.fill("#name", "ana")
    page.fill("#password", PASSWORDS["ana"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{target}")


def _script_errors(page) -> list[str]:
    # A blocked image fetch logs "Failed to load resource"; anything else would be a script.
    return [e for e in page.console_errors if "Failed to load resource" not in e]


def test_translate_an_outdated_page_end_to_end(app, accounts, content_dir, live_server, page):
    setup = app.test_client()
    log_in(setup, "eddie")
    change_source_paragraph(setup, content_dir)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    _login(page, live_server.url, "/editor/ne/rights/passport")
    changed = page.locator(".pair.changed[data-changed]")
    assert changed.count() == 1
    assert CHANGED in changed.locator(".source").inner_text()

    box = changed.locator("textarea")
    box.fill("कसैले पनि तपाईंको राहदानी राख्न पाउँदैन। " + NASTY)
    preview = page.locator("#preview")
    preview.get_by_text("कसैले पनि तपाईंको राहदानी").wait_for(timeout=15000)
    assert preview.locator("script").count() == 0
    assert preview.locator("img[onerror]").count() == 0

    page.click("button[value=save]")
    page.get_by_text("Saved. Readers see the new version now.").wait_for()
    assert page.locator(".pair.changed").count() == 0  # current again

    page.goto(f"{live_server.url}/ne/rights/passport")
    page.get_by_text("कसैले पनि तपाईंको राहदानी राख्न पाउँदैन।").wait_for()
    assert page.locator("main script").count() == 0
    assert page.locator("main img[onerror]").count() == 0
    page.wait_for_timeout(300)  # give an injected handler the chance it must not have
    assert dialogs == []
    assert _script_errors(page) == []


def test_unsaved_draft_survives_a_closed_tab(app, accounts, live_server, page, browser_context):
    _login(page, live_server.url, "/editor/ne/rights/passport")
    page.fill("#p1", "मस्यौदा जुन सेभ भएको छैन।")
    page.wait_for_timeout(100)
    again = browser_context.new_page()  # opened first: closing the last window ends the session
    page.close()

    again.goto(f"{live_server.url}/editor/ne/rights/passport")
    banner = again.locator("#draft-banner")
    banner.wait_for(state="visible")
    assert again.input_value("#p1") != "मस्यौदा जुन सेभ भएको छैन।"
    banner.get_by_role("button", name="Restore the draft").click()
    assert again.input_value("#p1") == "मस्यौदा जुन सेभ भएको छैन।"
    assert banner.is_hidden()

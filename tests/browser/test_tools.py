"""Tools in real Chromium: the calculator's JavaScript agrees with Python and works offline."""

from __future__ import annotations

import json
from pathlib import Path

from .test_offline import wait_for

VECTORS = json.loads(
    (Path(__file__).parent.parent / "fixtures/remittance_vectors.json").read_text()
)


def test_javascript_calculator_matches_the_shared_vectors(page, live_server):
    page.goto(f"{live_server.url}/en/remittances/calculator")
    for vector in VECTORS:
        result = page.evaluate("(input) => window.remittanceCost(input)", vector["in"])
        for key, expected in vector["out"].items():
            assert result[key] == expected, (vector["in"], key, result[key])


def test_javascript_calculator_refuses_what_python_refuses(page, live_server):
    page.goto(f"{live_server.url}/en/remittances/calculator")
    for bad in (
        {"amount": "0"},
        {"mid_rate": "0"},
        {"rate": "0"},
        {"flat_fee": "-1"},
        {"flat_fee": "200"},
        {"percent_fee": "100"},
    ):
        base = {
            "amount": "200",
            "mid_rate": "100",
            "rate": "98",
            "flat_fee": "0",
            "percent_fee": "0",
        } | bad
        assert page.evaluate("(input) => window.remittanceCost(input)", base) is None, bad


def test_calculator_runs_on_the_phone_offline_in_arabic_digits(page, live_server, browser_context):
    page.goto(f"{live_server.url}/ar/remittances/calculator")
    wait_for(page, "async () => !!navigator.serviceWorker.controller")
    page.reload()  # now stored by the worker
    browser_context.set_offline(True)
    page.reload()
    page.fill("#amount", "٢٠٠")
    page.fill("#mid_rate", "133.50")
    page.fill("#rate_1", "130.83")
    page.fill("#flat_1", "5")
    page.locator("#calc button[type=submit]").click()
    table = page.locator("#calc-results table")
    table.wait_for()
    text = table.inner_text()
    assert "26,166.00" in text and "4.50%" in text
    assert page.url.endswith("/ar/remittances/calculator")  # no navigation, nothing sent
    assert not page.console_errors


def test_self_check_runs_on_the_phone_and_sends_nothing(page, live_server):
    page.goto(f"{live_server.url}/en/trafficking/self-check")
    page.wait_for_load_state("networkidle")
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url)))
    page.locator("input[name=documents][value=yes]").check()
    page.locator("input[name=wages][value=no]").check()
    page.select_option("#country", "GB")
    page.locator("#self-check button[type=submit]").click()
    result = page.locator("#check-result")
    result.wait_for(state="visible")
    assert page.locator("[data-sign=documents]").is_visible()
    assert not page.locator("[data-sign=wages]").is_visible()
    assert page.locator("#helplines-link").get_attribute("href").endswith("?country=GB") or (
        page.evaluate("document.getElementById('helplines-link').search") == "?country=GB"
    )
    assert sent == []  # no request carried the answers anywhere
    assert page.url.endswith("/en/trafficking/self-check")


SMS_VECTORS = json.loads(
    (Path(__file__).parent.parent / "fixtures/sms_vectors.json").read_text(encoding="utf-8")
)


def test_javascript_sms_counter_matches_the_shared_table(page, live_server):
    page.goto(f"{live_server.url}/en/sms")
    for vector in SMS_VECTORS:
        text = "".join(piece * times for piece, times in vector["text"])
        result = page.evaluate("(text) => window.smsSegments(text)", text)
        assert (result["encoding"], result["segments"], result["units"]) == (
            vector["encoding"],
            vector["segments"],
            vector["units"],
        ), vector["name"]


def test_sms_counter_updates_as_staff_type(page, live_server):
    page.goto(f"{live_server.url}/en/sms")
    page.fill("#sms-text", "It’s " + "a" * 70)
    assert (
        "2" in page.locator("#sms-parts").inner_text()
        and "UCS-2" in page.locator("#sms-parts").inner_text()
    )
    page.locator("#sms-fix").click()
    assert page.input_value("#sms-text").startswith("It's")
    assert "GSM-7" in page.locator("#sms-parts").inner_text()

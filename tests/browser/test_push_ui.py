"""Push in real Chromium: the subscribe panel asks for permission only after a tap, and the
service worker shows a pushed notice (delivered through the DevTools protocol)."""

from __future__ import annotations

import json

from .test_offline import wait_for

SPY = """
window.permissionRequests = 0;
Notification.requestPermission = () => { window.permissionRequests += 1; return Promise.resolve("denied"); };
"""


def test_permission_is_requested_only_after_the_tap(page, live_server):
    page.add_init_script(SPY)
    page.goto(f"{live_server.url}/en/notices")
    panel = page.locator("#push-panel")
    panel.wait_for(state="visible")
    page.wait_for_timeout(300)
    assert page.evaluate("window.permissionRequests") == 0
    page.locator("#push-start").click()
    wait_for(page, "() => window.permissionRequests === 1")
    page.locator("#push-status").filter(has_text="blocked").wait_for()


def test_push_message_shows_a_notification(page, live_server, browser_context):
    browser_context.grant_permissions(["notifications"], origin=live_server.url)
    session = browser_context.new_cdp_session(page)
    registrations = []
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    session.send("ServiceWorker.enable")
    page.goto(f"{live_server.url}/ne/")
    wait_for(page, "async () => !!navigator.serviceWorker.controller")
    payload = {
        "title": "नक्कली एजेन्सी",
        "body": "पैसा नतिर्नुहोस्।",
        "url": "/ne/notices",
        "id": 7,
        "lang": "ne",
    }
    notifications = (
        "async () => { const n = await (await navigator.serviceWorker.ready).getNotifications();"
        " return n.length && n.map((x) => ({title: x.title, body: x.body, tag: x.tag, lang: x.lang})); }"
    )
    shown = None
    for _attempt in range(3):  # the DevTools push can race the worker's start-up; the tag dedupes
        live = [
            r
            for r in registrations
            if r["scopeURL"] == live_server.url + "/" and not r["isDeleted"]
        ]
        session.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url + "/", "registrationId": live[-1]["registrationId"],
             "data": json.dumps(payload, ensure_ascii=False)},
        )  # fmt: skip
        try:
            shown = wait_for(page, notifications, timeout=5)
            break
        except AssertionError:
            continue
    assert shown == [
        {"title": "नक्कली एजेन्सी", "body": "पैसा नतिर्नुहोस्।", "tag": "notice-7", "lang": "ne"}
    ]

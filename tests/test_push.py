"""Web Push end to end against a local push service: real encryption, real VAPID signatures."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrant_info import create_app, db
from migrant_info.push import keys
from migrant_info.push.notices import Notice, save
from migrant_info.push.sender import Sender, Settings
from tests.push_receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@pytest.fixture
def app(tmp_path, content_dir, receiver):
    host = receiver.url.removeprefix("http://")
    app = create_app(
        {"TESTING": True, "INSTANCE_DIR": str(tmp_path / "instance"), "CONTENT_DIR": str(content_dir),
         "PUSH_INSECURE_HOSTS": [host], "VAPID_SUBJECT": "mailto:alerts@example.org", "PUSH_WORKERS": 4,
         "PUSH_RATE_LIMIT": [100, 60]}
    )  # fmt: skip
    receiver.public_key = app.test_client().get("/api/push/key").get_json()["publicKey"]
    return app


def subscribe(client, browser, lang="en", topics=(), countries=()):
    return client.post(
        "/api/push/subscriptions",
        json={
            "subscription": browser.subscription(),
            "lang": lang,
            "topics": list(topics),
            "countries": list(countries),
        },
    )


def send(app, notice: Notice, sleep=lambda s: None):
    with app.app_context():
        conn = db.get_db()
        notice_id = save(conn, notice)
        settings = Settings(
            vapid=app.extensions["vapid"],
            subject=app.config["VAPID_SUBJECT"],
            workers=4,
            sleep=sleep,
        )
        return Sender(db.path_for(app), settings).run(notice_id)


def notice(**extra) -> Notice:
    texts = {
        "en": {"title": "Fake agency", "body": "Do not pay Globex Jobs."},
        "ne": {"title": "नक्कली एजेन्सी", "body": "ग्लोबेक्सलाई पैसा नतिर्नुहोस्।"},
    }
    return Notice(texts=texts, url="/en/notices", **extra)


def test_vapid_key_is_owner_only_and_an_uncompressed_point(app):
    key_file = Path(app.instance_path) / keys.KEY_FILE
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    point = keys.b64url_decode(app.test_client().get("/api/push/key").get_json()["publicKey"])
    assert len(point) == 65 and point[0] == 4


@pytest.mark.parametrize(
    "subject", ["admin@example.org", "http://example.org", "", "mailto:nobody"]
)
def test_bad_vapid_subject_refuses_to_start(tmp_path, content_dir, subject):
    with pytest.raises(keys.ConfigError, match="mailto: address or an https: URL"):
        create_app(
            {
                "INSTANCE_DIR": str(tmp_path / "i"),
                "CONTENT_DIR": str(content_dir),
                "VAPID_SUBJECT": subject,
            }
        )


def test_end_to_end_decrypts_and_verifies(app, receiver):
    client = app.test_client()
    browser = receiver.browser("nepali")
    assert subscribe(client, browser, lang="ne").status_code == 201
    counts = send(app, notice(urgency="high", ttl=7200, topic_key="scam-1"))
    assert counts == {"sent": 1}
    [message] = receiver.received["nepali"]
    assert (
        message["title"] == "नक्कली एजेन्सी"
        and message["lang"] == "ne"
        and message["url"] == "/en/notices"
    )
    assert (
        receiver.claims["nepali"]["sub"] == "mailto:alerts@example.org"
    )  # aud and exp checked too
    headers = receiver.headers["nepali"]
    assert (
        headers["Ttl"] == "7200" and headers["Urgency"] == "high" and headers["Topic"] == "scam-1"
    )


def test_resubscribing_updates_preferences(app, receiver):
    client = app.test_client()
    browser = receiver.browser("a")
    assert subscribe(client, browser, topics=["rights"]).status_code == 201
    response = subscribe(client, browser, topics=["trafficking"])
    assert response.status_code == 200 and response.get_json()["topics"] == ["trafficking"]


def test_gone_subscription_is_deleted(app, receiver):
    client = app.test_client()
    subscribe(client, receiver.browser("old"))
    receiver.script["old"] = [410]
    assert send(app, notice()) == {"gone": 1}
    conn = sqlite3.connect(db.path_for(app))
    assert conn.execute("select count(*) from subscriptions").fetchone()[0] == 0


def test_429_waits_for_retry_after(app, receiver):
    subscribe(app.test_client(), receiver.browser("busy"))
    receiver.script["busy"] = [(429, {"Retry-After": "1"})]
    waited = []
    assert send(app, notice(), sleep=lambda s: (waited.append(s), time.sleep(s))) == {"sent": 1}
    assert waited == [1.0]
    first, second = receiver.attempts["busy"]
    assert second - first >= 1.0


def test_server_errors_are_retried_and_delivered_once(app, receiver):
    subscribe(app.test_client(), receiver.browser("flaky"))
    receiver.script["flaky"] = [500, 503]
    assert send(app, notice()) == {"sent": 1}
    assert len(receiver.attempts["flaky"]) == 3 and len(receiver.received["flaky"]) == 1


def test_targeting_by_language_topic_and_country(app, receiver):
    client = app.test_client()
    subscribe(client, receiver.browser("ne-traf-qa"), "ne", ["trafficking"], ["QA"])
    subscribe(client, receiver.browser("ne-rights"), "ne", ["rights"], [])
    subscribe(client, receiver.browser("en-all"), "en", [], [])
    subscribe(client, receiver.browser("ne-traf-my"), "ne", ["trafficking"], ["MY"])
    counts = send(app, notice(langs=["ne"], topics=["trafficking"], countries=["QA"]))
    assert counts == {"sent": 1}
    assert list(receiver.received) == ["ne-traf-qa"]


@pytest.mark.parametrize(
    "change,status",
    [
        ({"endpoint": "https://evil.example/push/x"}, 403),
        ({"endpoint": "https://10.0.0.1/push"}, 403),
        ({"endpoint": "https://169.254.169.254/latest"}, 403),
        ({"endpoint": "https://[::1]/push"}, 403),
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, 422),
        ({"endpoint": "https://user:pw@fcm.googleapis.com/x"}, 422),
        ({"keys": {"p256dh": "AAAA", "auth": "x"}}, 422),
        (
            {
                "keys": {
                    "p256dh": keys.b64url(b"\x04" + b"\x01" * 64),
                    "auth": keys.b64url(b"1" * 16),
                }
            },
            422,
        ),
        ({"keys": {"p256dh": None, "auth": None}}, 422),
    ],
)
def test_bad_subscriptions_are_refused(app, receiver, change, status):
    body = {"subscription": receiver.browser("x").subscription() | change, "lang": "en"}
    response = app.test_client().post("/api/push/subscriptions", json=body)
    assert response.status_code == status
    assert "error" in response.get_json()


@pytest.mark.parametrize(
    "body,status",
    [("not json", 400), ("[1]", 400), ('{"lang": "en"}', 422)],
)
def test_bad_bodies(app, body, status):
    response = app.test_client().post(
        "/api/push/subscriptions", data=body, content_type="application/json"
    )
    assert response.status_code == status


def test_unknown_language_topic_or_country(app, receiver):
    client = app.test_client()
    for extra in (
        {"lang": "zz"},
        {"lang": "en", "topics": ["gossip"]},
        {"lang": "en", "countries": ["ZZ"]},
    ):
        response = client.post(
            "/api/push/subscriptions",
            json={"subscription": receiver.browser("y").subscription(), **extra},
        )
        assert response.status_code == 422


def test_body_size_is_capped(app):
    response = app.test_client().post(
        "/api/push/subscriptions", data="x" * 5000, content_type="application/json"
    )
    assert response.status_code == 413


def test_known_push_services_are_accepted(app):
    from migrant_info.push import validate

    for url in (
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://web.push.apple.com/QGx",
        "https://wns2-par02p.notify.windows.com/w/?token=x",
    ):
        assert validate.endpoint(url, app.config["PUSH_HOSTS"], []) == url


def test_unsubscribe(app, receiver):
    client = app.test_client()
    browser = receiver.browser("leaving")
    subscribe(client, browser)
    assert (
        client.delete("/api/push/subscriptions", json={"endpoint": browser.endpoint}).status_code
        == 204
    )
    assert send(app, notice()) == {}


def test_subscriptions_store_no_personal_data(app, receiver):
    client = app.test_client()
    subscribe(client, receiver.browser("private"))
    conn = sqlite3.connect(db.path_for(app))
    columns = {r[1] for r in conn.execute("pragma table_info(subscriptions)")}
    assert columns == {"id", "endpoint", "p256dh", "auth", "lang", "topics", "countries", "created"}
    assert b"127.0.0.1" not in Path(db.path_for(app)).read_bytes().replace(
        receiver.url.encode(), b""
    )


def test_notice_board_lists_newest_first_in_reader_language(app, receiver):
    send(app, notice())
    second = notice()
    second.texts["en"]["title"] = "Visa fees changed"
    send(app, second)
    html = app.test_client().get("/en/notices").get_data(as_text=True)
    assert html.index("Visa fees changed") < html.index("Fake agency")
    assert "नक्कली एजेन्सी" in app.test_client().get("/ne/notices").get_data(as_text=True)


def test_payload_limit_and_ttl_rules():
    with pytest.raises(ValueError, match="too long"):
        from migrant_info.push.notices import check

        check(Notice(texts={"en": {"title": "t", "body": "x" * 5000}}, url="/en/notices"))
    with pytest.raises(ValueError, match="ttl"):
        check(Notice(texts={"en": {"title": "t", "body": "b"}}, url="/en/notices", ttl=0))


def run_flask(args, env, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "migrant_info", *args], env=env, **kwargs
    )


def test_killed_send_resumes_without_repeating_finished_deliveries(
    app, receiver, tmp_path, content_dir
):
    client = app.test_client()
    for n in range(40):
        subscribe(client, receiver.browser(f"b{n}"))
    receiver.delay = 0.1
    env = os.environ | {
        "MIGRANT_INFO_INSTANCE_DIR": app.instance_path,
        "MIGRANT_INFO_CONTENT_DIR": str(content_dir),
        "MIGRANT_INFO_PUSH_INSECURE_HOSTS": f'["{receiver.url.removeprefix("http://")}"]',
        "MIGRANT_INFO_VAPID_SUBJECT": "mailto:alerts@example.org",
        "MIGRANT_INFO_PUSH_WORKERS": "4",
    }
    sender = run_flask(
        ["push", "send", "--title", "Scam", "--body", "Beware"], env, stderr=subprocess.DEVNULL
    )
    conn = sqlite3.connect(db.path_for(app))

    def recorded_sent() -> int:
        return conn.execute("select count(*) from deliveries where status = 'sent'").fetchone()[0]

    deadline = time.monotonic() + 30
    # Outcomes are written in batches: wait for the first batch to be recorded, then kill.
    while sum(len(v) for v in receiver.received.values()) < 10 or not recorded_sent():
        assert time.monotonic() < deadline and sender.poll() is None, (
            sender.stderr.read().decode()[-3000:] if sender.poll() is not None else "slow"
        )
        time.sleep(0.02)
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    done_before = {
        r[0] for r in conn.execute("select subscription_id from deliveries where status = 'sent'")
    }
    in_flight = conn.execute("select count(*) from deliveries where status = 'sending'").fetchone()[
        0
    ]
    assert 0 < len(done_before) < 40
    assert run_flask(["push", "resume"], env, stdout=subprocess.DEVNULL).wait(timeout=60) == 0
    counts = [len(receiver.received[f"b{n}"]) for n in range(40)]
    assert all(c >= 1 for c in counts), (
        counts,
        in_flight,
        list(conn.execute("select status, count(*) from deliveries group by status")),
    )  # everyone got the warning
    assert sum(c - 1 for c in counts) <= in_flight  # only messages in flight at the kill may repeat
    sub_ids = dict(conn.execute("select id, endpoint from subscriptions"))
    for sub_id in done_before:
        name = sub_ids[sub_id].rsplit("/", 1)[-1]
        assert len(receiver.received[name]) == 1  # recorded as sent: never sent again
    assert conn.execute("select count(*) from deliveries where status != 'sent'").fetchone()[0] == 0


def test_subscription_requests_are_rate_limited_per_client(app, receiver):
    app.config["PUSH_RATE_LIMIT"] = [3, 60]
    client = app.test_client()
    statuses = [subscribe(client, receiver.browser(f"r{n}")).status_code for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]

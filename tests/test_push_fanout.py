"""The fan-out's own machinery: kept-alive connections, batched send log, no redirects, proxies,
and a SIGKILL in the middle of a send with many batches."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from migrant_info import db
from migrant_info.push.transport import Transport
from tests import test_push
from tests.test_push import notice, send, subscribe

app, receiver = test_push.app, test_push.receiver  # the same fixtures as test_push.py


def test_connections_are_kept_alive_and_bounded_by_the_pool(app, receiver):
    client = app.test_client()
    for n in range(30):
        subscribe(client, receiver.browser(f"k{n}"))
    receiver.connections.clear()
    assert send(app, notice()) == {"sent": 30}
    assert len(receiver.connections) <= 4  # workers=4: one connection each, reused 30 times


def test_redirects_are_never_followed_nor_retried(app, receiver):
    client = app.test_client()
    subscribe(client, receiver.browser("moved"))
    target = receiver.browser("elsewhere")
    receiver.script["moved"] = [(301, {"Location": target.endpoint})]
    assert send(app, notice()) == {"failed": 1}
    assert len(receiver.attempts["moved"]) == 1 and not receiver.attempts["elsewhere"]


def test_each_row_reads_sending_while_its_message_is_out_and_counts_attempts(app, receiver):
    client = app.test_client()
    for name in ("calm", "flaky"):
        subscribe(client, receiver.browser(name))
    receiver.script["flaky"] = [500, 503]
    path = db.path_for(app)
    seen = []

    def observe(name: str) -> None:
        with sqlite3.connect(path) as conn:
            seen.append(
                conn.execute(
                    "select d.status from deliveries d join subscriptions s "
                    "on s.id = d.subscription_id where s.endpoint like ?",
                    (f"%/{name}",),
                ).fetchone()[0]
            )

    receiver.observe = observe
    assert send(app, notice()) == {"sent": 2}
    assert seen == ["sending"] * 4  # calm once, flaky three times
    conn = sqlite3.connect(path)
    rows = conn.execute("select status, attempts from deliveries order by subscription_id")
    assert list(rows) == [("sent", 1), ("sent", 3)]


def test_subscription_removed_after_the_notice_was_saved_is_gone(app, receiver):
    client = app.test_client()
    subscribe(client, receiver.browser("stays"))
    leaving = receiver.browser("leaves")
    subscribe(client, leaving)
    with app.app_context():
        from migrant_info.push.notices import save
        from migrant_info.push.sender import Sender, Settings

        conn = db.get_db()
        notice_id = save(conn, notice())
        conn.execute("delete from subscriptions where endpoint = ?", (leaving.endpoint,))
        settings = Settings(vapid=app.extensions["vapid"], subject="mailto:a@example.org")
        counts = Sender(db.path_for(app), settings).run(notice_id)
    assert counts == {"sent": 1, "gone": 1} and not receiver.attempts["leaves"]


def test_proxies_from_the_environment_are_honoured(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://user:secret@proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "updates.push.services.mozilla.com")
    transport = Transport(connections=8, timeout=5)
    proxied = transport.manager("https://fcm.googleapis.com")
    assert proxied.proxy.host == "proxy.example"
    assert proxied.proxy_headers["proxy-authorization"].startswith("Basic ")
    assert transport.manager("https://updates.push.services.mozilla.com").proxy is None


def test_killed_send_with_many_batches_never_repeats_a_recorded_delivery(
    app, receiver, content_dir
):
    path = db.path_for(app)
    app.test_client().get("/api/push/key")  # the database exists
    total = 700  # more than two batches of 256
    conn = sqlite3.connect(path, timeout=5)
    with conn:
        conn.executemany(
            "insert into subscriptions (endpoint, p256dh, auth, lang, topics, countries, created)"
            " values (?, ?, ?, 'en', '[]', '[]', '2026-01-01')",
            [
                (b.endpoint, b.subscription()["keys"]["p256dh"], b.subscription()["keys"]["auth"])
                for b in (receiver.browser(f"m{n}") for n in range(total))
            ],
        )
    receiver.delay = 0.02
    env = os.environ | {
        "MIGRANT_INFO_INSTANCE_DIR": app.instance_path,
        "MIGRANT_INFO_CONTENT_DIR": str(content_dir),
        "MIGRANT_INFO_PUSH_INSECURE_HOSTS": f'["{receiver.url.removeprefix("http://")}"]',
        "MIGRANT_INFO_VAPID_SUBJECT": "mailto:alerts@example.org",
        "MIGRANT_INFO_PUSH_WORKERS": "16",
    }
    flask = [sys.executable, "-m", "flask", "--app", "migrant_info", "push"]
    sender = subprocess.Popen([*flask, "send", "--title", "T", "--body", "B"], env=env,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    sent = "select subscription_id from deliveries where status = 'sent'"
    deadline = time.monotonic() + 60
    while len(conn.execute(sent).fetchall()) < 300:  # past the first batches, mid-send
        assert time.monotonic() < deadline and sender.poll() is None
        time.sleep(0.01)
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    done_before = {r[0] for r in conn.execute(sent)}
    sending = conn.execute("select count(*) from deliveries where status = 'sending'").fetchone()[0]
    assert len(done_before) < total
    assert subprocess.run([*flask, "resume"], env=env, capture_output=True).returncode == 0
    names = dict(conn.execute("select id, endpoint from subscriptions"))
    for sub_id in done_before:  # recorded as sent: never sent again
        assert len(receiver.received[names[sub_id].rsplit("/", 1)[-1]]) == 1
    counts = [len(receiver.received[f"m{n}"]) for n in range(total)]
    assert min(counts) == 1  # everyone got the warning
    assert sum(counts) - total <= sending  # only rows still marked sending may repeat
    assert conn.execute("select count(*) from deliveries where status != 'sent'").fetchone() == (0,)

#!/usr/bin/env python3
"""Load the production server (gunicorn, 2 workers, loopback) with a mix of traffic while a
push fan-out runs, then check: no 5xx, no connection errors, no "database is locked" in the
log, and the counts in the database equal what was sent.

    .venv/bin/python scripts/load.py [--seconds 20] [--threads 16]

It makes its own instance folder and content copy in a temporary directory, starts gunicorn
and a local push service (tests/push_receiver.py), and stops both at the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.push_receiver import Receiver  # noqa: E402

PASSWORD = "steady-orchard-lamp-42"  # noqa: S105 - a throwaway account in a temporary folder
PAGES = ["/en/", "/ne/", "/ar/", "/en/rights/passport", "/ne/rights/contract",
         "/ar/trafficking/warning-signs", "/en/remittances/", "/bn/legal-channels/",
         "/en/trafficking/helplines?country=NP", "/my/rights/passport", "/en/safety"]  # fmt: skip
SEARCHES = ["passport", "राहदानी", "جواز السفر", "fees", "helpline", "ပတ်စ်ပို့"]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Tally:
    """Thread-safe counts of what was sent and how it was answered."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter = Counter()

    def add(self, key: str, n: int = 1) -> None:
        """Count one thing."""
        with self.lock:
            self.counts[key] += n


def reader(base: str, codes: list[str], tally: Tally, stop: float) -> None:
    """Pages, searches and short links, as readers send them."""
    session = requests.Session()
    while time.monotonic() < stop:
        roll = random.random()
        if roll < 0.6:
            url, kind = base + random.choice(PAGES), "page"
        elif roll < 0.85:
            url, kind = f"{base}/en/search?q={random.choice(SEARCHES)}", "search"
        else:
            url, kind = f"{base}/s/{random.choice(codes)}", "short_link"
        try:
            response = session.get(url, allow_redirects=False, timeout=30)
        except requests.RequestException:
            tally.add("connection_errors")
            continue
        tally.add(kind)
        tally.add(f"status_{response.status_code // 100}xx")


def subscriber(base: str, receiver: Receiver, tally: Tally, stop: float, worker: int) -> None:
    """Subscribe and sometimes unsubscribe again, as browsers do."""
    session = requests.Session()
    n = 0
    while time.monotonic() < stop:
        browser = receiver.browser(f"load-{worker}-{n}")
        n += 1
        body = {"subscription": browser.subscription(), "lang": "ne", "topics": ["trafficking"]}
        try:
            response = session.post(f"{base}/api/push/subscriptions", json=body, timeout=30)
            tally.add(f"status_{response.status_code // 100}xx")
            if response.status_code == 201:
                tally.add("subscribed")
            if random.random() < 0.3:
                gone = session.delete(f"{base}/api/push/subscriptions",
                                      json={"endpoint": browser.endpoint}, timeout=30)  # fmt: skip
                tally.add(f"status_{gone.status_code // 100}xx")
                if gone.status_code == 204:
                    tally.add("unsubscribed")
        except requests.RequestException:
            tally.add("connection_errors")


def editor(base: str, tally: Tally, stop: float) -> None:
    """One editor saving a translation over and over (every save must land, none conflict)."""
    session = requests.Session()
    page = session.get(f"{base}/editor/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(f"{base}/editor/login", timeout=30,
                 data={"name": "loadtest", "password": PASSWORD, "csrf_token": token})  # fmt: skip
    url = f"{base}/editor/ne/rights/passport"
    n = 0
    while time.monotonic() < stop:
        try:
            page = session.get(url, timeout=30).text
            fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
            title = re.search(r'id="f-title" name="title" value="([^"]*)"', page).group(1)
            summary = re.search(r'id="f-summary"[^>]*>([^<]*)<', page).group(1)
            n += 1
            response = session.post(url, timeout=30, allow_redirects=False, data={
                **fields, "title": title, "summary": summary, "extra": "", "action": "save",
                "para": [f"परीक्षण सेभ नम्बर {n}।"]})  # fmt: skip
        except (requests.RequestException, AttributeError):
            tally.add("connection_errors")
            continue
        tally.add(f"status_{response.status_code // 100}xx")
        tally.add("saved" if response.status_code == 303 else f"save_{response.status_code}")


def main() -> int:
    """Run the load, print what happened, exit 1 if any check failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=16, help="reader threads")
    parser.add_argument("--subscribers", type=int, default=200, help="subscribed before the load")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the push service's access log
    work = Path(tempfile.mkdtemp(prefix="migrant-load-"))
    shutil.copytree(ROOT / "content", work / "content")
    receiver = Receiver(delay=0.01).__enter__()
    env = os.environ | {
        "MIGRANT_INFO_INSTANCE_DIR": str(work / "instance"),
        "MIGRANT_INFO_CONTENT_DIR": str(work / "content"),
        "MIGRANT_INFO_PUSH_INSECURE_HOSTS": f'["{receiver.url.removeprefix("http://")}"]',
        "MIGRANT_INFO_PUSH_RATE_LIMIT": "[1000000, 60]",  # one loopback client stands for many
        "MIGRANT_INFO_PUSH_WORKERS": "16",
    }
    flask = [sys.executable, "-m", "flask", "--app", "migrant_info"]
    subprocess.run([*flask, "content", "build"], env=env, check=True, capture_output=True)
    subprocess.run([*flask, "users", "add", "loadtest", "--role", "editor"], env=env, check=True,
                   input=f"{PASSWORD}\n{PASSWORD}\n", text=True, capture_output=True)  # fmt: skip
    port = free_port()
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed after the server stops
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "migrant_info:create_app()"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    tally = Tally()
    try:
        for _ in range(200):
            try:
                requests.get(base + "/en/", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        for n in range(args.subscribers):
            browser = receiver.browser(f"pre-{n}")
            body = {"subscription": browser.subscription(), "lang": "ne", "topics": []}
            made = requests.post(f"{base}/api/push/subscriptions", json=body, timeout=30)
            if made.status_code != 201:
                raise SystemExit(f"could not subscribe: {made.status_code} {made.text}")
        state = sqlite3.connect(work / "instance" / "migrant_info.db")
        codes = [row[0] for row in state.execute("select code from short_links")]
        fanout = subprocess.Popen(
            [*flask, "push", "send", "--title", "Scam warning", "--body", "Keep your passport."],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        stop = time.monotonic() + args.seconds
        threads = [threading.Thread(target=reader, args=(base, codes, tally, stop))
                   for _ in range(args.threads)]  # fmt: skip
        threads += [threading.Thread(target=subscriber, args=(base, receiver, tally, stop, n))
                    for n in range(2)]  # fmt: skip
        threads.append(threading.Thread(target=editor, args=(base, tally, stop)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        fanout_out = fanout.communicate(timeout=300)[0]
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        log.close()
        receiver.__exit__()
    counts = tally.counts
    # Counted in memory by each worker and written every few seconds and when it stops.
    opens = state.execute(
        "select coalesce(sum(count), 0) from stats_daily where metric = 'short_link'"
    ).fetchone()[0]
    searches = state.execute(
        "select coalesce(sum(count), 0) from stats_daily where metric = 'search'"
    ).fetchone()[0]
    revisions = state.execute("select count(*) from revisions").fetchone()[0]
    subscriptions = state.execute("select count(*) from subscriptions").fetchone()[0]
    sent = state.execute("select count(*) from deliveries where status = 'sent'").fetchone()[0]
    pre_received = sum(len(receiver.received[f"pre-{n}"]) for n in range(args.subscribers))
    log_text = (work / "gunicorn.log").read_text()
    requests_total = sum(v for k, v in counts.items() if k.startswith("status_"))
    checks = {
        "no 5xx": counts["status_5xx"] == 0,
        "no connection errors": counts["connection_errors"] == 0,
        "no 'database is locked' in the log": "database is locked" not in log_text,
        "no traceback in the log": "Traceback" not in log_text,
        "short-link opens counted = sent": opens == counts["short_link"],
        "searches counted = sent": searches == counts["search"],
        "revisions = saves": revisions == counts["saved"] and counts["saved"] > 0,
        "subscriptions = subscribed - unsubscribed + before":
            subscriptions == args.subscribers + counts["subscribed"] - counts["unsubscribed"],
        "fan-out reached every earlier subscriber once": pre_received == args.subscribers,
        "fan-out finished": fanout.returncode == 0,
    }  # fmt: skip
    print(f"{requests_total} requests in {elapsed:.1f} s ({requests_total / elapsed:.0f}/s), "
          f"{args.threads} reader threads, 2 gunicorn workers")  # fmt: skip
    for key in sorted(counts):
        print(f"  {key:<22}{counts[key]:>8}")
    print(f"  {'push deliveries sent':<22}{sent:>8}")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    if not all(checks.values()):
        print(fanout_out[-2000:], log_text[-4000:], sep="\n")
        print(f"(kept {work} for a look)")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The project's benchmark, every figure measured side by side in one run and given as a ratio.

    .venv/bin/python scripts/bench.py [--seconds 10] [--connections 16] [--quick]
                                      [--index-pages 1000] [--push 5000]

1. Throughput: the site under gunicorn (2 workers, the production command) against a bare
   Flask app under the same gunicorn settings returning the same bytes from memory, with wrk
   (Debian: `apt-get install wrk`), for a page, the home page, search and a short link, and
   push subscriptions to new endpoints (each a write to the state database).
2. Content scale: scripts/bench_index.py (synthetic corpus; full and incremental builds,
   search latency, index size, memory) when it is present.
3. Static export of the shipped site: time and size.
4. Push fan-out: scripts/bench_push.py (the project's sender against a naive loop).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from migrant_info.push.keys import b64url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BARE_APP = '''
import json, base64, re
from flask import Flask, Response, request
STORED = json.load(open({path!r}))
app = Flask(__name__)

@app.route("/", defaults={{"path": ""}}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def serve(path):
    """The project's bytes for this URL, from memory, with the same headers."""
    # The wrk script for "rendered" rows adds a unique _=N; the bare app ignores it.
    item = STORED[re.sub(r"[?&]_=[^&]*$", "", request.full_path.rstrip("?"))]
    return Response(base64.b64decode(item["body"]), status=item["status"], headers=item["headers"])
'''
# wrk runs each thread in its own Lua state: numbered threads make generated values unique.
LUA_THREAD_IDS = """
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
"""
# A wrk script that makes every URL unique (..._=<thread>-<n>), so the site's page cache never
# answers and each request is rendered: the cost a cold cache or a CDN miss pays.
UNIQUE_LUA = (
    LUA_THREAD_IDS
    + """
function request()
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_=" .. id .. "-" .. counter)
end
"""
)
# Push subscriptions, each to a new endpoint (thread and counter in its URL), so every request
# is a write transaction on the state database: the limit of the one-origin dynamic part.
SUBSCRIBE_LUA = (
    LUA_THREAD_IDS
    + """
function request()
  counter = counter + 1
  local body = string.format('{{"subscription": {{"endpoint": '
    .. '"https://fcm.googleapis.com/fcm/send/bench-{run}-%d-%d", '
    .. '"keys": {{"p256dh": "{p256dh}", "auth": "{auth}"}}}}, '
    .. '"lang": "en", "topics": ["trafficking"]}}', id, counter)
  return wrk.format("POST", nil, {{["Content-Type"] = "application/json"}}, body)
end
"""
)
SUBSCRIBE = "push subscribe (new endpoints)"
KEEP_HEADERS = (
    "Content-Type",
    "Content-Encoding",
    "Cache-Control",
    "ETag",
    "Vary",
    "Location",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app_spec: str, env: dict, cwd: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn with the production settings (2 workers) on a free loopback port."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", app_spec],
        env=env,
        cwd=cwd,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/", timeout=2, allow_redirects=False)
            return process, base
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start; see {log}")


def wrk(url: str, seconds: float, connections: int, script: Path | None = None) -> dict:
    """Requests per second and p50/p99 latency (ms) from one wrk run."""
    options = ["-s", str(script)] if script else []
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-H",
            "Accept-Encoding: gzip",
            *options,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def millis(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": millis("50"),
        "p99": millis("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def subscription_keys() -> dict[str, str]:
    """A valid p256dh and auth pair (base64url), as a browser's PushSubscription carries."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    )
    return {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}


def throughput(args: argparse.Namespace, work: Path) -> list[dict]:
    """The project against bare Flask serving its bytes, URL by URL, alternating servers."""
    env = os.environ | {
        "MIGRANT_INFO_INSTANCE_DIR": str(work / "instance"),
        # One loopback client stands for many browsers subscribing.
        "MIGRANT_INFO_PUSH_RATE_LIMIT": "[1000000, 60]",
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "migrant_info", "content", "build"],
        env=env,
        check=True,
        capture_output=True,
    )
    site, site_base = start_gunicorn("migrant_info:create_app()", env, ROOT, work / "site.log")
    bare = None
    try:
        requests.get(site_base + "/en/", timeout=30)
        state = work / "instance" / "migrant_info.db"
        code = (
            sqlite3.connect(state)
            .execute("select code from short_links where lang = 'en' and slug = 'passport'")
            .fetchone()[0]
        )
        urls = {
            "page": "/en/rights/passport",
            "page, rendered (unique URLs)": "/en/rights/passport",
            "home": "/en/",
            "search, one query": "/en/search?q=passport",
            "search, rendered (unique URLs)": "/en/search?q=passport",
            "short link": f"/s/{code}",
            SUBSCRIBE: "/api/push/subscriptions",
        }
        unique, subscribe = work / "unique.lua", work / "subscribe.lua"
        unique.write_text(UNIQUE_LUA)
        keys = subscription_keys()
        stored = {}
        for name, url in urls.items():
            body = None
            if name == SUBSCRIBE:
                endpoint = "https://fcm.googleapis.com/fcm/send/bench-0-0"
                body = {"subscription": {"endpoint": endpoint, "keys": keys}, "lang": "en",
                        "topics": ["trafficking"]}  # fmt: skip
            response = requests.request(
                "POST" if body else "GET",
                site_base + url,
                json=body,
                headers={"Accept-Encoding": "gzip"},
                allow_redirects=False,
                stream=True,
                timeout=30,
            )
            body = response.raw.read(decode_content=False)
            stored[url] = {
                "status": response.status_code,
                "body": base64.b64encode(body).decode(),
                "headers": {k: v for k, v in response.headers.items() if k in KEEP_HEADERS},
            }
        (work / "stored.json").write_text(json.dumps(stored))
        (work / "bare_app.py").write_text(BARE_APP.format(path=str(work / "stored.json")))
        bare, bare_base = start_gunicorn("bare_app:app", os.environ, work, work / "bare.log")
        rows = []
        for name, url in urls.items():
            runs = {"site": [], "bare": []}
            for n in range(args.rounds):  # alternate, so drift on a shared machine hits both
                script = subscribe if name == SUBSCRIBE else unique if "unique" in name else None
                for server, base in (("site", site_base), ("bare", bare_base)):
                    # Endpoints new in every run, so each site request inserts a row.
                    subscribe.write_text(SUBSCRIBE_LUA.format(**keys, run=f"{server}{n}"))
                    runs[server].append(wrk(base + url, args.seconds, args.connections, script))
            best = {k: max(v, key=lambda r: r["rps"]) for k, v in runs.items()}
            rows.append(
                {
                    "name": name,
                    "url": url,
                    **{f"site_{k}": v for k, v in best["site"].items()},
                    **{f"bare_{k}": v for k, v in best["bare"].items()},
                    "ratio": best["site"]["rps"] / best["bare"]["rps"],
                }
            )
            if name == SUBSCRIBE:  # every request wrote a row: show that they are all there
                written = sqlite3.connect(state).execute("select count(*) from subscriptions")
                total = written.fetchone()[0]
                rows[-1]["note"] = f"{total} subscriptions in the state database after the runs"
        return rows
    finally:
        for process in (site, bare):
            if process:
                process.terminate()
                process.wait(timeout=30)


def export_figures(work: Path) -> dict:
    """Time and size of `flask export` of the shipped site (folder and zip)."""
    env = os.environ | {"MIGRANT_INFO_INSTANCE_DIR": str(work / "instance")}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "migrant_info",
            "export",
            str(work / "export"),
            "--zip",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    files = [p for p in (work / "export").rglob("*") if p.is_file()]
    zips = list(work.glob("export*.zip")) + list((work / "export").glob("*.zip"))
    return {
        "seconds": seconds,
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "zip_bytes": sum(p.stat().st_size for p in zips),
    }


def main() -> int:
    """Run every part, print one table per part."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs per URL")
    parser.add_argument("--index-pages", type=int, default=1000, help="pages per language")
    parser.add_argument("--push", type=int, default=5000, help="subscriptions (0 to skip)")
    parser.add_argument("--quick", action="store_true", help="3 s runs, 1 round, small corpora")
    parser.add_argument(
        "--parts", default="throughput,export,scale,push", help="comma-separated subset to run"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if args.quick:
        args.seconds, args.rounds, args.index_pages, args.push = 3, 1, 300, 1000
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: sudo apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="migrant-bench-"))
    print(
        f"# migrant_info benchmark, {time.strftime('%Y-%m-%d %H:%M')} UTC, "
        f"{os.cpu_count()} CPUs, wrk {args.connections} connections, {args.seconds:g} s x "
        f"{args.rounds} alternating rounds\n"
    )
    if "throughput" in parts:
        print_throughput(args, work)
    if "export" in parts:
        print_export(work)
    bench_index = ROOT / "scripts" / "bench_index.py"
    if "scale" in parts and bench_index.exists():
        print(f"\n## Content scale ({args.index_pages} pages per language)\n", flush=True)
        subprocess.run(
            [sys.executable, str(bench_index), "--pages", str(args.index_pages)], check=True
        )
    if "push" in parts and args.push:
        print(f"\n## Push fan-out ({args.push} subscriptions)\n", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "bench_push.py"),
                "--subscriptions",
                str(args.push),
            ],
            check=True,
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


def print_throughput(args: argparse.Namespace, work: Path) -> None:
    """The throughput table."""
    print("## Throughput (gunicorn, 2 workers; requests/s, latency ms)\n")
    print("| URL | site req/s | bare req/s | ratio | site p50/p99 | bare p50/p99 | non-2xx/3xx |")
    print("|---|---|---|---|---|---|---|")
    notes = []
    for row in throughput(args, work):
        print(
            f"| {row['name']} `{row['url']}` | {row['site_rps']:.0f} | {row['bare_rps']:.0f} | "
            f"{row['ratio']:.0%} | {row['site_p50']:.1f} / {row['site_p99']:.1f} | "
            f"{row['bare_p50']:.1f} / {row['bare_p99']:.1f} | "
            f"{row['site_errors'] + row['bare_errors']} |"
        )
        if "note" in row:
            notes.append(f"{row['name']}: {row['note']}")
    for note in notes:
        print(f"\n{note}")


def print_export(work: Path) -> None:
    """The static export line."""
    figures = export_figures(work)
    print("\n## Static export of the shipped site\n")
    print(
        f"{figures['files']} files, {figures['bytes'] / 1e6:.1f} MB "
        f"(zip {figures['zip_bytes'] / 1e6:.1f} MB) in {figures['seconds']:.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())

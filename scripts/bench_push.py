"""Push fan-out benchmark: the project's sender against a naive serial pywebpush loop, side by
side in one run, both talking to a local receiver that answers after 100 ms.

    .venv/bin/python scripts/bench_push.py [--subscriptions 20000] [--naive 50] [--check-receiver]

--check-receiver first loads the receiver alone with wrk (256 keep-alive connections), to show
it is not what limits the fan-out. "sender CPU" is this process's CPU time during the fan-out.
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pywebpush import webpush

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from migrant_info import create_app, db  # noqa: E402
from migrant_info.push.notices import Notice, save  # noqa: E402
from migrant_info.push.sender import Sender, Settings  # noqa: E402

LATENCY = 0.1


class Receiver(BaseHTTPRequestHandler):
    """A push service that takes 100 ms to accept each message, over keep-alive HTTP/1.1
    connections as FCM and Mozilla's service allow (werkzeug's dev server closes every one)."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        """Read the message, wait, answer 201 Created."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(LATENCY)
        self.send_response_only(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        """Quiet."""


class Server(ThreadingHTTPServer):
    """A thread per connection; a deep listen queue so no connection waits to be accepted."""

    request_queue_size = 1024

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (wrk at the end of its run) is not an error worth a trace."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(port_writer) -> None:
    """Run the receiver and report its port."""
    server = Server(("127.0.0.1", 0), Receiver)
    port_writer.send(server.server_port)
    server.serve_forever()


def receiver_capacity(url: str, connections: int = 256, seconds: int = 3) -> str:
    """The receiver alone under `connections` concurrent keep-alive clients (wrk)."""
    if not shutil.which("wrk"):
        return "not measured (wrk not installed)"
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "post.lua"
        script.write_text('wrk.method = "POST"\nwrk.body = string.rep("x", 200)\n')
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script),
             f"{url}/push/w"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    rate = float(next(line for line in out.splitlines() if "Requests/sec" in line).split()[1])
    ceiling = connections / LATENCY
    return f"{rate:.0f}/s with {connections} connections (ceiling {ceiling:.0f}/s)"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> None:
    """Run both senders and print messages per second and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=20000)
    parser.add_argument("--naive", type=int, default=50, help="messages for the serial loop")
    parser.add_argument("--workers", type=int, help="default: the app's PUSH_WORKERS")
    parser.add_argument(
        "--check-receiver", action="store_true", help="first measure the receiver alone (wrk)"
    )
    args = parser.parse_args()

    # The receiver runs in its own process so it does not compete with the sender for the GIL.
    port_reader, port_writer = multiprocessing.Pipe(duplex=False)
    serving = multiprocessing.Process(target=serve, args=(port_writer,), daemon=True)
    serving.start()
    url = f"http://127.0.0.1:{port_reader.recv()}"
    if args.check_receiver:
        print(f"receiver alone             {receiver_capacity(url)}", flush=True)
    instance = Path(tempfile.mkdtemp(prefix="bench-push-"))
    app = create_app({"INSTANCE_DIR": str(instance), "PUSH_INSECURE_HOSTS": [url[7:]],
                      "VAPID_SUBJECT": "mailto:bench@example.org"})  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    p256dh = b64(key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
    auth = b64(os.urandom(16))
    with app.app_context():
        conn = db.get_db()
        conn.execute("begin")
        conn.executemany(
            "insert into subscriptions (endpoint, p256dh, auth, lang, topics, countries, created) "
            "values (?, ?, ?, 'en', '[]', '[]', '2026-01-01')",
            [(f"{url}/push/{n}", p256dh, auth) for n in range(args.subscriptions)],
        )
        conn.execute("commit")
        notice_id = save(
            conn,
            Notice(
                texts={"en": {"title": "Bench", "body": "Fan-out benchmark"}}, url="/en/notices"
            ),
        )
        settings = Settings(
            vapid=app.extensions["vapid"],
            subject="mailto:bench@example.org",
            workers=args.workers or app.config["PUSH_WORKERS"],
        )
        started, cpu = time.perf_counter(), time.process_time()
        counts = Sender(db.path_for(app), settings).run(notice_id)
        ours, cpu = time.perf_counter() - started, time.process_time() - cpu

    info = {"endpoint": f"{url}/push/naive", "keys": {"p256dh": p256dh, "auth": auth}}
    pem = str(instance / "vapid_private.pem")  # pywebpush reads the key file itself
    started = time.perf_counter()
    for _ in range(args.naive):
        webpush(info, "Fan-out benchmark", vapid_private_key=pem,
                vapid_claims={"sub": "mailto:bench@example.org"}, ttl=60)  # fmt: skip
    naive = time.perf_counter() - started
    serving.terminate()

    ours_rate = args.subscriptions / ours
    naive_rate = args.naive / naive
    print(f"receiver latency           {LATENCY * 1000:.0f} ms per message")
    print(f"project fan-out            {args.subscriptions} in {ours:.1f} s = {ours_rate:.0f}/s")
    print(f"outcomes                   {dict(counts)}")
    cores, per_message = cpu / ours, cpu / args.subscriptions * 1000
    print(
        f"sender CPU                 {cpu:.1f} s = {cores:.2f} cores, {per_message:.2f} ms/message"
    )
    print(f"naive pywebpush loop       {args.naive} messages in {naive:.1f} s = {naive_rate:.1f}/s")
    print(f"ratio                      {ours_rate / naive_rate:.1f}x")


if __name__ == "__main__":
    main()

"""Push fan-out benchmark: the project's sender against a naive serial pywebpush loop, side by
side in one run, both talking to a local receiver that answers after 100 ms.

    .venv/bin/python scripts/bench_push.py [--subscriptions 20000] [--naive 50]
"""

from __future__ import annotations

import argparse
import base64
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pywebpush import webpush
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from migrant_info import create_app, db  # noqa: E402
from migrant_info.push.notices import Notice, save  # noqa: E402
from migrant_info.push.sender import Sender, Settings  # noqa: E402

LATENCY = 0.1


@Request.application
def receiver(request: Request) -> Response:
    """A push service that takes 100 ms to accept each message."""
    time.sleep(LATENCY)
    return Response(status=201)


def serve(port_writer) -> None:
    """Run the receiver (threaded, quiet) and report its port."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, receiver, threaded=True)
    port_writer.send(server.server_port)
    server.serve_forever()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> None:
    """Run both senders and print messages per second and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=20000)
    parser.add_argument("--naive", type=int, default=50, help="messages for the serial loop")
    parser.add_argument("--workers", type=int, default=64)
    args = parser.parse_args()

    # The receiver runs in its own process so it does not compete with the sender for the GIL.
    port_reader, port_writer = multiprocessing.Pipe(duplex=False)
    serving = multiprocessing.Process(target=serve, args=(port_writer,), daemon=True)
    serving.start()
    url = f"http://127.0.0.1:{port_reader.recv()}"
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
            vapid=app.extensions["vapid"], subject="mailto:bench@example.org", workers=args.workers
        )
        started = time.perf_counter()
        counts = Sender(db.path_for(app), settings).run(notice_id)
        ours = time.perf_counter() - started

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
    print(f"naive pywebpush loop       {args.naive} messages in {naive:.1f} s = {naive_rate:.1f}/s")
    print(f"ratio                      {ours_rate / naive_rate:.1f}x")


if __name__ == "__main__":
    main()

"""A stand-in push service on 127.0.0.1 for the tests: it decrypts every message with the
subscriber's private key (http_ece, aes128gcm) and verifies the VAPID JWT, like FCM would."""

from __future__ import annotations

import base64
import json
import os
import sys
import threading
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """What a browser keeps for one subscription: its key pair and auth secret."""

    def __init__(self, name: str, receiver: Receiver):
        self.name = name
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = f"{receiver.url}/push/{name}"

    def subscription(self) -> dict:
        point = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
        }


def verify_vapid(header: str, audience: str, public_key: str) -> dict:
    """Check an RFC 8292 `vapid t=…,k=…` header; return the JWT claims."""
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid", header
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    head, payload, signature = fields["t"].split(".")
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    key.verify(der, f"{head}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    assert json.loads(unb64url(head)) == {"typ": "JWT", "alg": "ES256"}
    claims = json.loads(unb64url(payload))
    assert claims["aud"] == audience
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    return claims


class Receiver:
    """Records decrypted messages; `script[name]` lists the statuses to answer, in order.

    Connections are kept alive (HTTP/1.1), as real push services allow; `connections` holds
    the client address of every connection accepted, `observe(name)` (if set) runs as each
    message arrives."""

    def __init__(self, public_key: str = "", delay: float = 0.0):
        self.public_key = public_key
        self.delay = delay
        self.browsers: dict[str, Browser] = {}
        self.script: dict[str, list] = defaultdict(list)
        self.received: dict[str, list[dict]] = defaultdict(list)
        self.attempts: dict[str, list[float]] = defaultdict(list)
        self.headers: dict[str, Message] = {}
        self.claims: dict[str, dict] = {}
        self.connections: list[tuple[str, int]] = []
        self.observe: Callable[[str], None] | None = None
        self.lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def browser(self, name: str) -> Browser:
        self.browsers[name] = Browser(name, self)
        return self.browsers[name]

    def answer(self, path: str, headers: Message, body: bytes) -> tuple[int, dict]:
        """Check and record one message; return the status and headers to answer with."""
        name = path.rsplit("/", 1)[-1]
        with self.lock:
            self.attempts[name].append(time.monotonic())
            step = self.script[name].pop(0) if self.script[name] else 201
        if self.observe:
            self.observe(name)
        if self.delay:
            time.sleep(self.delay)
        status, extra = (step, {}) if isinstance(step, int) else step
        if status != 201:
            return status, extra
        if self.public_key:
            claims = verify_vapid(headers["Authorization"], self.url, self.public_key)
            with self.lock:
                self.claims[name] = claims
        browser = self.browsers[name]
        assert headers["Content-Encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
        )
        with self.lock:
            self.received[name].append(json.loads(plain))
            self.headers[name] = headers
        return 201, {}

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Server(ThreadingHTTPServer):
    request_queue_size = 256

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed sender hung up
            super().handle_error(request, client_address)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def setup(self) -> None:
            super().setup()
            with receiver.lock:
                receiver.connections.append(self.client_address)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                status, extra = receiver.answer(self.path, self.headers, body)
            except Exception:
                status, extra = 500, {}
                traceback.print_exc()
            self.send_response_only(status)
            for key, value in {"Content-Length": "0", **extra}.items():
                self.send_header(key, value)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    return Handler

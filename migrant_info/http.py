"""Response rules that hold everywhere: security headers, reader-page caching, hashed assets."""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Flask, Response, current_app, request, url_for

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "font-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
IMMUTABLE = "public, max-age=31536000, immutable"


def add_security_headers(response: Response) -> Response:
    """Every response: strict CSP and the no-sniff / no-referrer baseline."""
    # One pass over the headers (setdefault would scan them once per name); a view's own value wins.
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend(
        [(name, value) for name, value in SECURITY_HEADERS.items() if name.lower() not in present]
    )
    return response


def public_cache(response: Response) -> Response:
    """Reader pages are the same for everyone: cacheable anywhere, revalidated by ETag."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.headers.get("Cache-Control"):
        return response
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['READER_MAX_AGE']}"
    # Weak, because the same page may travel gzip-compressed or not (If-None-Match compares weakly).
    response.add_etag(weak=True)
    return response.make_conditional(request)


@lru_cache(maxsize=128)
def _file_hash(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def asset_hash(filename: str) -> str:
    """Content hash of a static file, re-read only when its mtime changes."""
    path = os.path.join(current_app.static_folder, filename)
    return _file_hash(path, os.stat(path).st_mtime_ns)


def asset_url(filename: str) -> str:
    """URL of a static file carrying its content hash, so it can be cached for a year."""
    version = asset_hash(filename)
    # Every page links the same few assets: build each URL once per file version and mount.
    key = (request.script_root if request else "", filename, version)
    urls = current_app.extensions.setdefault("asset_urls", {})
    if key not in urls:
        urls[key] = url_for("static", filename=filename, v=version)
    return urls[key]


def cache_static(response: Response) -> Response:
    """Static files requested with their hash never change; others revalidate."""
    if request.endpoint == "static" and response.status_code in (200, 304):
        if request.args.get("v"):
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "public, max-age=300"
    return response


# Click-tracking parameters that platforms append to shared links (Facebook adds fbclid to every
# outbound click, ad and mail tools add utm_*). No page reads them, so they must not make a
# reader's request look unique to the page cache or to the compression rule below.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "gbraid", "wbraid", "msclkid", "ttclid", "twclid", "igshid", "yclid"}
    | {"mc_cid", "mc_eid"}
)


def canonical_query(query: str) -> str:
    """A WSGI query string without tracking parameters; everything else exactly as sent."""
    if not query:
        return query
    kept = [
        part
        for part in query.split("&")
        if part
        and not ((name := part.split("=", 1)[0]) in TRACKING_PARAMS or name.startswith("utm_"))
    ]
    return "&".join(kept)


COMPRESSIBLE = ("text/", "application/json", "application/manifest+json", "image/svg+xml")
MIN_COMPRESS = 512
ENCODINGS = ["br", "gzip"]  # server preference when the client weighs them equally
# brotli's best quality takes ~8 ms for a 4 KB page and its fast one 0.2 ms for ~15 % more
# bytes. Pages at their canonical URL and static files are compressed once and read by many,
# so they get the best; answers with a query (search) or private ones are mostly read once.
# (A query of tracking parameters alone still means the canonical page.)
BROTLI_BEST = 11
BROTLI_FAST = 5


@lru_cache(maxsize=512)
def _encode(body: bytes, encoding: str, fast: bool = False) -> bytes:
    """One body compressed once per encoding; the memo makes the slow, small brotli affordable."""
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_FAST if fast else BROTLI_BEST)
    return gzip.compress(body, compresslevel=6, mtime=0)


def compress(response: Response) -> Response:
    """brotli or gzip, whichever the client prefers, once per distinct body (memoised)."""
    encoding = request.accept_encodings.best_match(ENCODINGS)
    if (
        response.status_code != 200
        or encoding is None
        or response.headers.get("Content-Encoding")
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
        or response.is_streamed
        and not response.direct_passthrough
    ):
        return response
    response.direct_passthrough = False
    body = response.get_data()
    if len(body) < MIN_COMPRESS:
        return response
    private = "no-store" in response.headers.get("Cache-Control", "")
    query = canonical_query(request.environ.get("QUERY_STRING", ""))
    fast = private or (bool(query) and request.endpoint != "static")
    # Personal pages (the editors' area) are compressed but never kept in the shared memo.
    data = _encode.__wrapped__(body, encoding, fast) if private else _encode(body, encoding, fast)
    response.set_data(data)
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    """Register the header hooks and the asset_url template helper."""
    app.after_request(compress)
    app.after_request(cache_static)
    app.after_request(add_security_headers)
    app.jinja_env.globals["asset_url"] = asset_url

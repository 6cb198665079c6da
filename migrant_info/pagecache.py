"""Finished reader responses kept in memory: the same bytes for every reader, served again
without rendering until the content index changes.

Reader pages depend only on the content index, the URL and the configuration, so a response
that is public (no cookie, no Vary beyond Accept-Encoding) can be replayed for the next reader
asking for the same URL in the same encoding. The key includes the index file's identity
(inode, size, mtime), so a rebuild or in-place update by any worker retires every entry; the
cache is bounded by entries and bytes, so memory stays flat however large the corpus grows.

Stored responses are answered by a WSGI layer before Flask builds a request context (the
same design as a reverse proxy's cache, inside the process): routing, hooks and templates
cost nothing on a hit. What Flask hooks would have done for a hit is either in the stored
bytes (headers, compression, ETag) or done by a replay listener (the statistics count).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from flask import Flask, Response, current_app, g, request
from werkzeug.http import HTTP_STATUS_CODES, parse_accept_header

from .http import ENCODINGS, canonical_query

# Typing aliases only (wsgiref.types arrives in Python 3.11's standard library).
WSGIApplication = Callable[..., Iterable[bytes]]
StartResponse = Callable[..., object]

# Blueprints whose public responses are functions of the index and the URL alone. (Push
# notices and short links read the state database, so they are never replayed.)
CACHEABLE_BLUEPRINTS = frozenset({"site", "offline", "tools"})
KEY = "migrant_info.page_cache_key"


@dataclass(frozen=True)
class Stored:
    """What is needed to replay a response."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    notes: tuple[tuple[str, object], ...] = ()  # request-scoped facts other hooks read from g
    endpoint: str | None = None  # what the statistics count a replay as
    view_args: tuple[tuple[str, object], ...] = ()

    @cached_property
    def status_line(self) -> str:
        """The WSGI status line, e.g. '200 OK'."""
        return f"{self.status} {HTTP_STATUS_CODES.get(self.status, 'UNKNOWN')}"

    @cached_property
    def wsgi_headers(self) -> list[tuple[str, str]]:
        """The stored headers plus Content-Length, ready for start_response."""
        return [*self.headers, ("Content-Length", str(len(self.body)))]


class PageCache:
    """A thread-safe LRU of finished responses, bounded by count and by bytes."""

    def __init__(self, entries: int, max_bytes: int):
        self.entries = entries
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self.items: OrderedDict[tuple, Stored] = OrderedDict()
        self.lock = threading.Lock()
        # Names in flask.g that views set for after_request hooks (e.g. what a search found
        # for the statistics): kept with the response and set again when it is replayed.
        self.noted: set[str] = set()
        # Called as listener(environ, stored, status) for every replayed response (the
        # statistics count it, since no Flask hook runs for it).
        self.replay_listeners: list[Callable[[dict, Stored, int], None]] = []

    def get(self, key: tuple) -> Stored | None:
        """The stored response for this key, marked as recently used."""
        with self.lock:
            stored = self.items.get(key)
            if stored is None:
                self.misses += 1
                return None
            self.items.move_to_end(key)
            self.hits += 1
            return stored

    def put(self, key: tuple, stored: Stored) -> None:
        """Keep a response, dropping the least recently used ones beyond the bounds."""
        if len(stored.body) > self.max_bytes // 8:
            return  # one huge response must not empty the cache
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.items[key] = stored
            self.size += len(stored.body)
            while len(self.items) > self.entries or self.size > self.max_bytes:
                _, dropped = self.items.popitem(last=False)
                self.size -= len(dropped.body)


@lru_cache(maxsize=256)
def best_encoding(accept_encoding: str) -> str | None:
    """The encoding `http.compress` picks for this Accept-Encoding header (memoised)."""
    return parse_accept_header(accept_encoding).best_match(ENCODINGS)


def environ_key(environ: dict, index_path: str) -> tuple | None:
    """Identity of a GET or HEAD response from the WSGI environ, or None without an index."""
    try:
        index = os.stat(index_path)
    except FileNotFoundError:
        return None
    version = (index.st_ino, index.st_size, index.st_mtime_ns)
    encoding = best_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
    # The host is part of the key so a request for an untrusted host (TRUSTED_HOSTS) is never
    # answered from an entry that a trusted one stored.
    # Tracking parameters (fbclid, utm_*) are left out: a page shared on Facebook is the page.
    path, query = environ.get("PATH_INFO", ""), canonical_query(environ.get("QUERY_STRING", ""))
    return (version, path, query, encoding, environ.get("HTTP_HOST", ""))


class CacheMiddleware:
    """WSGI layer in front of Flask: a stored page is answered without a request context."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication):
        self.app = app
        self.wsgi_app = wsgi_app
        self.cache: PageCache = app.extensions["page_cache"]

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        """Replay a stored response (or a 304) when there is one; otherwise run Flask."""
        method = environ.get("REQUEST_METHOD")
        # In debug mode every request re-checks the content files first, inside Flask.
        if method not in ("GET", "HEAD") or self.app.debug:
            return self.wsgi_app(environ, start_response)
        key = environ_key(environ, self.app.config["INDEX_PATH"])
        environ[KEY] = key
        stored = self.cache.get(key) if key is not None else None
        if stored is None:
            return self.wsgi_app(environ, start_response)
        status = 200
        if "HTTP_IF_NONE_MATCH" in environ:
            response = Response(stored.body, status=stored.status, headers=list(stored.headers))
            response.make_conditional(environ)
            status = response.status_code
        for listener in self.cache.replay_listeners:
            listener(environ, stored, status)
        if status != 200:
            return response(environ, start_response)
        start_response(stored.status_line, stored.wsgi_headers)
        return [] if method == "HEAD" else [stored.body]


def store_in_cache(response: Response) -> Response:
    """Keep a finished public response (runs after compression, security headers and ETag)."""
    key = request.environ.get(KEY)
    if (
        key is None
        or request.method != "GET"
        or request.blueprint not in CACHEABLE_BLUEPRINTS
        or response.status_code != 200
        or response.is_streamed
        or not response.headers.get("Cache-Control", "").startswith("public")
        or "Set-Cookie" in response.headers
        or set(response.vary) - {"Accept-Encoding"}
    ):
        return response
    headers = tuple((k, v) for k, v in response.headers.items() if k != "Content-Length")
    cache: PageCache = current_app.extensions["page_cache"]
    notes = tuple((name, g.get(name)) for name in sorted(cache.noted) if name in g)
    args = tuple(sorted((request.view_args or {}).items()))
    stored = Stored(
        response.status_code, headers, response.get_data(), notes, request.endpoint, args
    )
    cache.put(key, stored)
    return response


def init_app(app: Flask) -> None:
    """The cache, its WSGI layer, and the hook that stores (registered first, so it runs last)."""
    app.extensions["page_cache"] = PageCache(
        app.config["PAGE_CACHE_ENTRIES"], app.config["PAGE_CACHE_BYTES"]
    )
    if app.config["PAGE_CACHE_ENTRIES"]:
        app.after_request(store_in_cache)
        app.wsgi_app = CacheMiddleware(app, app.wsgi_app)

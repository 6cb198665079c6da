"""Finished reader responses kept in memory: the same bytes for every reader, served again
without rendering until the content index changes.

Reader pages depend only on the content index, the URL and the configuration, so a response
that is public (no cookie, no Vary beyond Accept-Encoding) can be replayed for the next reader
asking for the same URL in the same encoding. The key includes the index file's identity
(inode, size, mtime), so a rebuild or in-place update by any worker retires every entry; the
cache is bounded by entries and bytes, so memory stays flat however large the corpus grows.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, g, request

# Blueprints whose public responses are functions of the index and the URL alone. (Push
# notices and short links read the state database, so they are never replayed.)
CACHEABLE_BLUEPRINTS = frozenset({"site", "offline", "tools"})
KEY, HIT = "migrant_info.page_cache_key", "migrant_info.page_cache_hit"


@dataclass(frozen=True)
class Stored:
    """What is needed to replay a response."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    notes: tuple[tuple[str, object], ...] = ()  # request-scoped facts other hooks read from g


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


def _key() -> tuple | None:
    """Method-free identity of this request's response, or None when it must not be cached."""
    if request.method not in ("GET", "HEAD") or request.blueprint not in CACHEABLE_BLUEPRINTS:
        return None
    try:
        index = os.stat(Path(current_app.config["INDEX_PATH"]))
    except FileNotFoundError:
        return None
    encoding = request.accept_encodings.best_match(["br", "gzip"])
    version = (index.st_ino, index.st_size, index.st_mtime_ns)
    return (version, request.path, request.query_string, encoding)


def serve_from_cache() -> Response | None:
    """Replay a stored response (or a 304 for a matching ETag) before any view runs."""
    cache: PageCache = current_app.extensions["page_cache"]
    key = _key()
    # Kept on the request, not in g: the offline blueprint renders pages through nested
    # requests that share this app context (and so g) while the outer request is running.
    request.environ[KEY] = key
    if key is None:
        return None
    stored = cache.get(key)
    if stored is None:
        return None
    request.environ[HIT] = True
    for name, value in stored.notes:
        setattr(g, name, value)
    response = Response(stored.body, status=stored.status, headers=list(stored.headers))
    return response.make_conditional(request)


def store_in_cache(response: Response) -> Response:
    """Keep a finished public response (runs after compression, security headers and ETag)."""
    key = request.environ.get(KEY)
    if (
        key is None
        or request.environ.get(HIT)
        or request.method != "GET"
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
    cache.put(key, Stored(response.status_code, headers, response.get_data(), notes))
    return response


def init_store(app: Flask) -> None:
    """Register storing first, so it runs after every other after_request hook."""
    app.extensions["page_cache"] = PageCache(
        app.config["PAGE_CACHE_ENTRIES"], app.config["PAGE_CACHE_BYTES"]
    )
    if app.config["PAGE_CACHE_ENTRIES"]:
        app.after_request(store_in_cache)


def init_lookup(app: Flask) -> None:
    """Register the lookup after the content index's freshness check."""
    if app.config["PAGE_CACHE_ENTRIES"]:
        app.before_request(serve_from_cache)

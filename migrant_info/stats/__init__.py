"""Readership statistics without tracking: counts per day, page, language and topic.

Counting happens here, server-side, on requests the site already receives: an after_request
hook reads the endpoint, its URL arguments and the status, never the address, user agent,
referrer or cookies. Fetches the service worker makes in the background carry the header
`X-Migrant-Prefetch` and are not views (a pack or a save counts as an offline save instead).
See docs/statistics.md for every field.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request, template_rendered

from .. import db
from ..pagecache import Stored
from .counters import Recorder

bp = Blueprint("stats", __name__)
PREFETCH = "X-Migrant-Prefetch"
SITE = "_site"  # topic of pages that belong to no topic
INDEX = "_index"  # slug of a topic's index page
# Reader endpoints counted as page views: endpoint -> (topic, slug) when not in the URL.
VIEWS = {
    "site.home": (SITE, "_home"),
    "site.topic": (None, INDEX),
    "site.page": (None, None),
    "site.site_page": (SITE, None),
    "push.notice_board": (SITE, "_notices"),
    "tools.self_check": ("trafficking", "self-check"),
    "tools.calculator": ("remittances", "calculator"),
    "tools.route_finder": ("legal-channels", "route-finder"),
}
# Tools whose submitted form counts as one use (the answers are never looked at).
TOOL_USES = {"tools.self_check", "tools.calculator"}
PAGE_PATH = re.compile(r"^/([^/]+)/(?:([a-z0-9-]+)/)?([a-z0-9-]*)$")


def recorder(app: Flask | None = None) -> Recorder:
    """This app's in-memory counters."""
    return (app or current_app).extensions["stats"]


def query_hash(lang: str, text: str, app: Flask | None = None) -> str:
    """A keyed hash of a normalised query: rare queries are counted without their text."""
    secret = (app or current_app).config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, f"{lang}\0{text}".encode(), hashlib.sha256).hexdigest()[:20]


def _on_template(sender: Flask, template, context: dict, **extra) -> None:
    """Note what a search found while its page renders (the view itself stays untouched)."""
    if template.name == "site/search.html" and context.get("query") is not None:
        g.stats_search = (" ".join(context["query"].terms), bool(context.get("results")))


def count_read(
    app: Flask,
    endpoint: str,
    args: dict,
    status: int,
    prefetch: str | None,
    search: tuple[str, bool] | None,
) -> None:
    """Count a reader's GET: a view, a search, or (service worker fetches) an offline save.

    Shared by the after_request hook and by replays from the page cache, which answers
    before Flask runs, so a page counts the same whether it was rendered or replayed.
    """
    lang = args.get("lang", "")
    rec = recorder(app)
    if prefetch:
        # Background fetches by the service worker, the offline-size check or the static export.
        if prefetch == "pack" and endpoint == "offline.offline_list" and status == 200:
            rec.add("offline_save", lang, "_pack")
        elif prefetch == "save" and status == 200 and endpoint in VIEWS:
            rec.add("offline_save", lang, *_page_of(endpoint, args))
        return
    if status not in (200, 304):
        return
    if endpoint in VIEWS:
        rec.add("view", lang, *_page_of(endpoint, args))
    elif endpoint == "site.search" and search is not None:
        text, found = search
        if text:
            qhash = query_hash(lang, text, app)
            rec.add("search", lang, detail=qhash)
            if not found:
                rec.add("search_empty", lang, detail=qhash)
            rec.add_query(lang, qhash, text[:100])


def _count(response: Response) -> Response:
    """After every request: add to the counters when it is something worth counting."""
    app = current_app
    if not app.config["STATS_ENABLED"] or request.endpoint is None:
        return response
    status = response.status_code
    args = request.view_args or {}
    prefetch = request.headers.get(PREFETCH)
    if prefetch or (request.method == "GET" and request.endpoint != "links.follow"):
        count_read(app, request.endpoint, args, status, prefetch, g.get("stats_search"))
        return response
    rec = recorder()
    if request.method == "POST" and status == 200 and request.endpoint in TOOL_USES:
        rec.add("tool_use", args.get("lang", ""), *VIEWS[request.endpoint])
    elif request.endpoint == "links.follow" and status == 302:
        match = PAGE_PATH.match(response.location or "")
        if match:
            rec.add("short_link", match[1], match[2] or SITE, match[3] or INDEX)
    elif request.endpoint == "push.subscribe" and status == 201:
        _count_subscription(rec, response.get_json(silent=True) or {})
    return response


def _count_replay(app: Flask, environ: dict, stored: Stored, status: int) -> None:
    """Count a GET the page cache answered without running Flask."""
    if not app.config["STATS_ENABLED"] or environ.get("REQUEST_METHOD") != "GET":
        return
    notes = dict(stored.notes)
    prefetch = environ.get("HTTP_" + PREFETCH.upper().replace("-", "_"))
    args = dict(stored.view_args)
    count_read(app, stored.endpoint, args, status, prefetch, notes.get("stats_search"))


def _page_of(endpoint: str, args: dict) -> tuple[str, str]:
    topic, slug = VIEWS[endpoint]
    return topic or args.get("topic", ""), slug or args.get("slug", "")


def _count_subscription(rec: Recorder, body: dict) -> None:
    lang = body.get("lang", "")
    rec.add("push_subscribe", lang)
    for topic in body.get("topics", []):
        rec.add("push_topic", lang, topic)
    for country in body.get("countries", []):
        rec.add("push_country", lang, detail=country)


def _demand() -> dict[tuple[str, str], int]:
    """Views over the last 30 days by (topic, slug), for the translation dashboard."""
    from . import store

    recorder().flush()
    return store.page_demand(db.get_db())


def init_app(app: Flask) -> None:
    """Counters, the counting hook, the routes, `flask stats` and the demand hook."""
    config = app.config
    app.extensions["stats"] = Recorder(
        Path(db.path_for(app)),
        config["STATS_FLUSH_SECONDS"],
        config["STATS_K"],
        config["STATS_QUERY_MIN_DAYS"],
        config["STATS_RETENTION_DAYS"],
    )
    app.after_request(_count)
    template_rendered.connect(_on_template, app)
    page_cache = app.extensions["page_cache"]
    page_cache.noted.add("stats_search")  # replayed searches still count
    page_cache.replay_listeners.append(functools.partial(_count_replay, app))
    app.extensions["page_demand"] = _demand
    from . import cli, routes  # noqa: F401 - registers the views

    app.register_blueprint(bp)
    app.cli.add_command(cli.stats_cli)

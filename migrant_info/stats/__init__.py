"""Readership statistics without tracking: counts per day, page, language and topic.

Counting happens here, server-side, on requests the site already receives: an after_request
hook reads the endpoint, its URL arguments and the status, never the address, user agent,
referrer or cookies. Fetches the service worker makes in the background carry the header
`X-Migrant-Prefetch` and are not views (a pack or a save counts as an offline save instead).
See docs/statistics.md for every field.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request, template_rendered

from .. import db
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


def query_hash(lang: str, text: str) -> str:
    """A keyed hash of a normalised query: rare queries are counted without their text."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, f"{lang}\0{text}".encode(), hashlib.sha256).hexdigest()[:20]


def _on_template(sender: Flask, template, context: dict, **extra) -> None:
    """Note what a search found while its page renders (the view itself stays untouched)."""
    if template.name == "site/search.html" and context.get("query") is not None:
        g.stats_search = (" ".join(context["query"].terms), bool(context.get("results")))


def _count(response: Response) -> Response:
    """After every request: add to the counters when it is something worth counting."""
    app = current_app
    if not app.config["STATS_ENABLED"] or request.endpoint is None:
        return response
    status = response.status_code
    args = request.view_args or {}
    lang = args.get("lang", "")
    rec = recorder()
    prefetch = request.headers.get(PREFETCH)
    if prefetch:
        # Background fetches by the service worker, the offline-size check or the static export.
        if prefetch == "pack" and request.endpoint == "offline.offline_list" and status == 200:
            rec.add("offline_save", lang, "_pack")
        elif prefetch == "save" and status == 200 and request.endpoint in VIEWS:
            rec.add("offline_save", lang, *_page_of(request.endpoint, args))
        return response
    if request.method == "GET" and status in (200, 304):
        if request.endpoint in VIEWS:
            rec.add("view", lang, *_page_of(request.endpoint, args))
        elif request.endpoint == "site.search" and "stats_search" in g:
            text, found = g.stats_search
            if text:
                qhash = query_hash(lang, text)
                rec.add("search", lang, detail=qhash)
                if not found:
                    rec.add("search_empty", lang, detail=qhash)
                rec.add_query(lang, qhash, text[:100])
    elif request.method == "POST" and status == 200 and request.endpoint in TOOL_USES:
        rec.add("tool_use", lang, *VIEWS[request.endpoint])
    elif request.endpoint == "links.follow" and status == 302:
        match = PAGE_PATH.match(response.location or "")
        if match:
            rec.add("short_link", match[1], match[2] or SITE, match[3] or INDEX)
    elif request.endpoint == "push.subscribe" and status == 201:
        _count_subscription(rec, response.get_json(silent=True) or {})
    return response


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
    app.extensions["page_cache"].noted.add("stats_search")  # replayed searches still count
    app.extensions["page_demand"] = _demand
    from . import cli, routes  # noqa: F401 - registers the views

    app.register_blueprint(bp)
    app.cli.add_command(cli.stats_cli)

"""Offline and install: web app manifest, service worker, offline pack lists, clear-my-traces."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_babel import force_locale, gettext

from .. import http
from ..content import get_index, index, require_language, store
from ..content.model import INDEX_SLUG, TOPICS
from ..locales import SOURCE_LANG, text_direction
from ..tools import TOPIC_TOOLS

bp = Blueprint("offline", __name__)
bp.after_request(http.public_cache)  # skips responses that set their own Cache-Control

SHELL_ASSETS = (
    "site.css", "app.js", "calculator.js", "selfcheck.js", "icon.svg", "icons/icon-192.png",
)  # fmt: skip
EMERGENCY_PAGES = (("trafficking", "in-danger-now"), ("trafficking", "helplines"))
THEME_COLOUR = "#0b4f9c"


def version() -> str:
    """Changes whenever the content or any shell asset changes, so a deploy makes a new worker."""
    checksum = index.index_checksum(Path(current_app.config["INDEX_PATH"])) or ""
    assets = "".join(http.asset_hash(name) for name in (*SHELL_ASSETS, "sw.js"))
    return hashlib.sha256((checksum + assets).encode()).hexdigest()[:12]


@bp.route("/sw.js")
def service_worker() -> Response:
    """The service worker at root scope, with its version and shell list written in."""
    source = (Path(current_app.static_folder) / "sw.js").read_text(encoding="utf-8")
    config = {
        "version": version(),
        "shell": [http.asset_url(name) for name in SHELL_ASSETS],
        "offline": "/{lang}/offline",
        "max_pages": current_app.config["OFFLINE_PAGE_CACHE"],
    }
    body = f"const CONFIG = {json.dumps(config)};\n{source}"
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/manifest.webmanifest")
def default_manifest() -> Response:
    """The manifest at the contract's root URL: the source language's."""
    return manifest(SOURCE_LANG)


@bp.route("/<lang:lang>/manifest.webmanifest")
def manifest(lang: str) -> Response:
    """Web app manifest in the reader's language; start_url and scope keep them in it."""
    require_language(lang)
    with force_locale(lang):
        name = gettext("Migrant info")
        description = gettext(
            "Your rights, safe and legal ways to migrate, help against trafficking, "
            "and sending money home."
        )
    icons = [
        {"src": http.asset_url(f"icons/{kind}-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "any" if kind == "icon" else "maskable"}
        for kind in ("icon", "maskable")
        for size in (192, 512)
    ]  # fmt: skip
    data = {
        "name": name,
        "short_name": name,
        "description": description,
        "lang": lang,
        "dir": text_direction(lang),
        "id": f"/{lang}/",
        "start_url": f"/{lang}/",
        "scope": f"/{lang}/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": icons,
    }
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")


def _page_urls(lang: str, topic: str) -> list[tuple[str, str]]:
    conn = get_index()
    pages = store.topic_pages(conn, lang, topic)
    urls = [
        (url_for("site.page", lang=lang, topic=topic, slug=p.row["slug"]), p.row["title"])
        for p in pages
    ]
    if topic in TOPIC_TOOLS:
        endpoint, title = TOPIC_TOOLS[topic]
        urls.append((url_for(endpoint, lang=lang), str(title)))
    return urls


@lru_cache(maxsize=64)
def _sizes(lang: str, stamp: str) -> dict[str, int]:
    """Bytes of every page of a language as served (rendered once per content version)."""
    client = current_app.test_client()
    client.environ_base["HTTP_X_MIGRANT_PREFETCH"] = "size"  # a measurement, not a reader's view
    sizes = {}
    urls = [f"/{lang}/", f"/{lang}/offline", f"/{lang}/safety", f"/{lang}/notices"]
    for topic in TOPICS:
        urls.append(f"/{lang}/{topic}/")
        urls += [u for u, _ in _page_urls(lang, topic)]
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            sizes[url] = len(response.get_data())
    return sizes


@bp.route("/api/offline/<lang:lang>.json")
def offline_list(lang: str) -> Response:
    """What to store for offline use: the emergency pack and every topic, with sizes in bytes."""
    require_language(lang)
    sizes = _sizes(lang, version())
    conn = get_index()

    def entry(url: str, title: str) -> dict:
        return {"url": url, "title": title, "bytes": sizes.get(url, 0)}

    emergency = [
        entry(f"/{lang}/", gettext("Home")),
        entry(f"/{lang}/offline", gettext("Offline")),
        entry(f"/{lang}/notices", gettext("Warnings and news")),
    ]
    for topic in TOPICS:
        intro = store.find(conn, lang, topic, INDEX_SLUG)
        if intro:
            emergency.append(entry(f"/{lang}/{topic}/", intro.row["title"]))
    for topic, slug in (*EMERGENCY_PAGES, ("", "safety")):
        shown = store.find(conn, lang, topic, slug)
        if shown:
            path = f"/{lang}/{topic}/{slug}" if topic else f"/{lang}/{slug}"
            emergency.append(entry(path, shown.row["title"]))
    topics = {}
    for topic in TOPICS:
        pages = [entry(url, title) for url, title in _page_urls(lang, topic)]
        topics[topic] = {"pages": pages, "bytes": sum(p["bytes"] for p in pages)}
    shell = [http.asset_url(name) for name in SHELL_ASSETS]
    data = {
        "lang": lang,
        "version": version(),
        "shell": shell,
        "emergency": emergency,
        "emergency_bytes": sum(e["bytes"] for e in emergency),
        "topics": topics,
    }
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")


@bp.route("/<lang:lang>/offline")
def offline_page(lang: str) -> Response:
    """Shown when a page is not stored: lists (with JavaScript) what this phone has stored."""
    require_language(lang)
    return Response(render_template("offline/offline.html"))


@bp.route("/clear")
def clear_default() -> Response:
    """`/clear` without a language (linked from anywhere)."""
    return clear(SOURCE_LANG)


@bp.route("/<lang:lang>/clear")
def clear(lang: str) -> Response:
    """Ask the browser to delete everything this site stored (caches and storage)."""
    response = Response(render_template("offline/cleared.html"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    response.headers["Cache-Control"] = "no-store"
    return response

"""Reader pages: language choice, home, topics, pages and search (no JavaScript needed)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import format_date

from .. import http, links
from ..content import available_languages, get_index, memoized, require_language, store
from ..content.discover import SLUG
from ..content.model import INDEX_SLUG, TOPICS
from ..content.search import MAX_QUERY_LENGTH, parse_query
from ..i18n import url_language
from ..locales import SOURCE_LANG, country_name, native_name, negotiate

bp = Blueprint("site", __name__)
bp.after_request(http.public_cache)


def reviewed_date(value: str | None) -> str:
    """A review date in the reader's locale, e.g. '20 novembre 2026'."""
    return format_date(dt.date.fromisoformat(value), "long") if value else ""


@bp.app_context_processor
def reader_context() -> dict:
    """Language, direction and topic navigation for every template."""
    lang = url_language() or SOURCE_LANG
    if lang not in available_languages():
        lang = SOURCE_LANG
    return {
        "lang": lang,
        "nav_topics": memoized(store.topics, lang),
        "topic_order": TOPICS,
        "reviewed_date": reviewed_date,
    }


@bp.app_template_global()
def language_urls(langs: list[str]) -> dict[str, str]:
    """This page's URL in each of `langs` (and the source): for the hreflang links in the head
    and the language list in the body."""
    args = tuple(sorted((request.view_args or {}).items()))
    return _urls_in(request.script_root, request.endpoint, args, (*langs, SOURCE_LANG))


@lru_cache(maxsize=4096)
def _urls_in(root: str, endpoint: str, args: tuple, langs: tuple[str, ...]) -> dict[str, str]:
    # A URL is a function of the mount point, the endpoint and its arguments; building a dozen
    # per page was a twelfth of a page's render time.
    return {code: url_for(endpoint, **{**dict(args), "lang": code}) for code in langs}


@bp.route("/")
def root() -> Response:
    """Send the reader to their language, or to the chooser when none fits."""
    accept = [value for value, _quality in request.accept_languages]
    best = negotiate(accept, available_languages()) if accept else None
    if best is None:
        response = Response(render_template("site/languages.html", languages=_chooser()))
    else:
        response = redirect(url_for("site.home", lang=best), code=302)
    response.vary.add("Accept-Language")
    return response


def _chooser() -> list[dict]:
    return [{"code": code, "name": native_name(code)} for code in available_languages()]


@bp.route("/languages")
def languages() -> str:
    """Every language the site has, each named in its own script."""
    return render_template("site/languages.html", languages=_chooser())


@bp.route("/<lang:lang>/")
def home(lang: str) -> str:
    """Home: urgent help first, then the four topics."""
    require_language(lang)
    urgent = [memoized(store.find, lang, "trafficking", s) for s in ("in-danger-now", "helplines")]
    return render_template("site/home.html", urgent=[u for u in urgent if u])


@bp.route("/<lang:lang>/<topic>/")
def topic(lang: str, topic: str) -> str:
    """A topic's introduction and its pages."""
    intro = topic_intro(lang, topic)
    pages = store.topic_pages(get_index(), lang, topic)
    return render_template("site/topic.html", intro=intro, pages=pages, topic=topic)


def topic_intro(lang: str, topic: str) -> store.Shown:
    """A topic's index page for this reader, or 404 for an unknown language or topic."""
    require_language(lang)
    if topic not in TOPICS:
        abort(404)
    intro = store.find(get_index(), lang, topic, INDEX_SLUG)
    if intro is None:
        abort(404)
    return intro


@bp.route("/<lang:lang>/<topic>/<slug>")
def page(lang: str, topic: str, slug: str) -> str:
    """One page, in the reader's language or the source with an honest notice."""
    require_language(lang)
    if topic not in TOPICS or not SLUG.match(slug):
        abort(404)
    shown = store.find(get_index(), lang, topic, slug)
    if shown is None:
        abort(404)
    if "print" in request.args:
        return print_view(lang, [shown], shown.row["title"])
    extra = helpline_context(lang) if (topic, slug) == HELPLINES_PAGE else {}
    return render_template(
        "site/page.html",
        shown=shown,
        topic=topic,
        slug=slug,
        share=links.share(lang, topic, slug, shown.row["summary"]),
        **extra,
    )


def print_view(lang: str, pages: list, title: str) -> str:
    """Print layout (A4/Letter): no navigation, QR and short link in the margin, sources below;
    `?print=facilitator` adds the lesson notes that readers never see."""
    items = [
        {"shown": s, "share": links.share(lang, s.row["topic"], s.row["slug"], s.row["summary"])}
        for s in pages
    ]
    facilitator = request.args.get("print") == "facilitator"
    return render_template("site/print.html", items=items, title=title, facilitator=facilitator)


@bp.route("/<lang:lang>/<topic>/print")
def topic_print(lang: str, topic: str) -> str:
    """A whole topic for the classroom: its introduction and every page, ready to print."""
    intro = topic_intro(lang, topic)
    pages = store.topic_pages(get_index(), lang, topic)
    return print_view(lang, [intro, *pages], intro.row["title"])


HELPLINES_PAGE = ("trafficking", "helplines")


def helpline_context(lang: str, country: str | None = None) -> dict:
    """Helplines grouped by country, filtered by `country` (default: the ?country= argument)."""
    conn = get_index()
    codes = store.helpline_countries(conn)
    asked = (request.args.get("country", "") if country is None else country).strip().upper()
    chosen = asked if asked in codes else None
    groups = [
        {
            "code": code,
            "name": country_name(code, lang),
            "lines": store.helplines(conn, code),
        }
        for code in ([chosen] if chosen else codes)
    ]
    return {
        "helpline_groups": sorted(groups, key=lambda g: g["name"]),
        "helpline_countries": sorted(
            ((c, country_name(c, lang)) for c in codes), key=lambda c: c[1]
        ),
        "helpline_chosen": chosen,
        "helpline_unknown": bool(asked) and chosen is None,
        "helpline_directory": store.helplines_directory(conn),
    }


@bp.route("/<lang:lang>/<slug>")
def site_page(lang: str, slug: str) -> Response | str:
    """A page that belongs to no topic, such as the safety page."""
    require_language(lang)
    if slug in TOPICS:
        return redirect(url_for("site.topic", lang=lang, topic=slug), code=308)
    if not SLUG.match(slug):
        abort(404)
    shown = store.find(get_index(), lang, "", slug)
    if shown is None:
        abort(404)
    return render_template(
        "site/page.html",
        shown=shown,
        topic="",
        slug=slug,
        share=links.share(lang, "", slug, shown.row["summary"]),
    )


@bp.route("/<lang:lang>/search")
def search(lang: str) -> tuple[str, int] | str:
    """Full-text search in the reader's language; every input gets a page, never an error."""
    require_language(lang)
    raw = request.args.get("q", "")
    if len(raw) > MAX_QUERY_LENGTH:
        return render_template("site/search.html", q=raw[:MAX_QUERY_LENGTH], too_long=True), 400
    query = parse_query(raw, lang)
    results = store.search(get_index(), lang, query) if query.terms else []
    return render_template("site/search.html", q=raw, query=query, results=results, too_long=False)


@bp.app_errorhandler(404)
def not_found(error: Exception) -> tuple[str, int]:
    """A 404 the reader can read, with search and the language list."""
    return render_template("site/404.html", languages=_chooser()), 404

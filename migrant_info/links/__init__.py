"""Short links for SMS and QR codes (/s/<code>), the share panel's QR images, and the SMS
composer. Codes live in the state database and never change for a page."""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import sqlite3
from dataclasses import asdict
from urllib.parse import quote

import segno
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale

from .. import db, sms
from ..content import get_index, require_language, store
from ..content.model import INDEX_SLUG

bp = Blueprint("links", __name__)

# No look-alikes: no 0/o, 1/l/i. Lower case only; lookups fold case.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 5
CODE = re.compile(rf"^[{ALPHABET}]{{1,6}}$")
MAX_SMS_TEXT = 1600  # ten parts and then some; more is not an SMS


def page_path(lang: str, topic: str, slug: str) -> str:
    """The reader URL of a page."""
    if not topic:
        return url_for("site.site_page", lang=lang, slug=slug)
    if slug == INDEX_SLUG:
        return url_for("site.topic", lang=lang, topic=topic)
    return url_for("site.page", lang=lang, topic=topic, slug=slug)


def _new_code(conn: sqlite3.Connection) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not conn.execute("select 1 from short_links where code = ?", (code,)).fetchone():
            return code


def sync(index: sqlite3.Connection, state: sqlite3.Connection) -> None:
    """Give every page a code, move codes of renamed pages, mark codes of removed pages."""
    pages = store.page_keys(index)
    moved = store.moves(index)
    now = dt.datetime.now(dt.UTC).isoformat()
    state.execute("begin immediate")
    try:
        rows = state.execute("select code, lang, topic, slug, removed from short_links").fetchall()
        known = {(r["lang"], r["topic"], r["slug"]) for r in rows}
        for row in rows:
            key = (row["lang"], row["topic"], row["slug"])
            target = moved.get(key[1:])
            if (
                key not in pages
                and target
                and (key[0], *target) in pages
                and (key[0], *target) not in known
            ):
                state.execute(
                    "update short_links set topic = ?, slug = ?, removed = null where code = ?",
                    (*target, row["code"]),
                )
                known.add((key[0], *target))
            elif key not in pages and row["removed"] is None:
                state.execute(
                    "update short_links set removed = ? where code = ?", (now, row["code"])
                )
            elif key in pages and row["removed"] is not None:
                state.execute(
                    "update short_links set removed = null where code = ?", (row["code"],)
                )
        for lang, topic, slug in sorted(pages - known):
            state.execute(
                "insert into short_links (code, lang, topic, slug, created) values (?, ?, ?, ?, ?)",
                (_new_code(state), lang, topic, slug, now),
            )
        state.execute("commit")
    except BaseException:
        state.execute("rollback")
        raise


def code_for(lang: str, topic: str, slug: str) -> str | None:
    """The short code of a page, if it has one."""
    row = (
        db.get_db()
        .execute(
            "select code from short_links"
            " where lang = ? and topic = ? and slug = ? and removed is null",
            (lang, topic, slug),
        )
        .fetchone()
    )
    return row[0] if row else None


def short_url(code: str) -> str:
    """The absolute short link, on the configured BASE_URL."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("links.follow", code=code)


@bp.route("/s/<code>")
def follow(code: str) -> Response:
    """Send the reader to the page behind a code (302: the target may move)."""
    code = code.lower()
    row = None
    if CODE.match(code):
        row = db.get_db().execute("select * from short_links where code = ?", (code,)).fetchone()
    if row is None:
        return Response(render_template("links/unknown.html"), status=404)
    # Opens are counted by the statistics hook (in memory, flushed every few seconds), per
    # target page and day; short_link_opens keeps the counts of earlier releases.
    if row["removed"] is not None:
        with force_locale(row["lang"]):
            html = render_template("links/removed.html", lang=row["lang"], topic=row["topic"])
        return Response(html, status=410)
    response = redirect(page_path(row["lang"], row["topic"], row["slug"]), code=302)
    response.headers["Cache-Control"] = "no-store"  # so every open is counted
    return response


@bp.route("/s/<code>.svg")
def qr_code(code: str) -> Response:
    """The QR code of a short link, as SVG (segno)."""
    code = code.lower()
    if not CODE.match(code):
        abort(404)
    buffer = io.BytesIO()
    segno.make(short_url(code), error="m").save(
        buffer, kind="svg", xmldecl=False, scale=4, border=2, title=short_url(code)
    )
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def share(lang: str, topic: str, slug: str, summary: str) -> dict | None:
    """What the share panel shows: short link, QR image URL, a ready SMS and its segments."""
    code = code_for(lang, topic, slug)
    if code is None:
        return None
    link = short_url(code)
    text = f"{summary} {link}"
    return {
        "url": link,
        "qr": url_for("links.qr_code", code=code),
        "sms": text,
        "sms_href": "sms:?&body=" + quote(text),
        "segments": sms.segments(text),
    }


def init_app(app: Flask) -> None:
    """Keep codes in step with the content index whenever it is (re)built."""
    app.extensions.setdefault("index_listeners", []).append(lambda: sync(get_index(), db.get_db()))


@bp.route("/<lang:lang>/sms", methods=["GET", "POST"])
def composer(lang: str) -> Response:
    """SMS composer for consulate staff: encoding, parts and what forced UCS-2, as they type."""
    require_language(lang)
    text = request.form.get("text", "")[:MAX_SMS_TEXT]
    if request.form.get("action") == "fix":
        text = sms.gsm_safe(text)
    html = render_template("links/sms.html", text=text, result=sms.segments(text))
    response = Response(html)
    response.headers["Cache-Control"] = (
        "no-store" if request.method == "POST" else "public, max-age=300"
    )
    return response


@bp.route("/api/sms/segments")
def segments_api() -> Response:
    """JSON: how `text` travels by SMS (encoding, segments, units, remaining, forcing chars)."""
    text = request.args.get("text", "")
    if len(text) > MAX_SMS_TEXT:
        return jsonify({"error": f"text longer than {MAX_SMS_TEXT} characters"}), 422
    return jsonify(asdict(sms.segments(text)))

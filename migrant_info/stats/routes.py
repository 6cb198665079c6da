"""Reader feedback ('was this helpful?') and the public open-data API under /api/stats/."""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify, render_template, request, url_for

from .. import db
from ..content import get_index, require_language
from ..content import store as content_store
from ..content.discover import SLUG
from ..content.model import TOPICS
from ..editor.auth import client_key
from . import SITE, bp, export, feedback, recorder, store

FEEDBACK_MAX_BODY = 8 * 1024  # the answer is capped at 500 characters; 8 KB holds any script


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<lang:lang>/feedback", methods=["POST"])
def helpful(lang: str) -> Response:
    """Count a yes or no for a page; after a no, offer the short 'what was missing?' box."""
    require_language(lang)
    request.max_content_length = FEEDBACK_MAX_BODY
    form = request.form
    topic, slug = form.get("topic", ""), form.get("slug", "")
    if (topic and topic not in TOPICS) or not SLUG.match(slug):
        abort(404)
    shown = content_store.find(get_index(), lang, topic, slug)
    if shown is None:
        abort(404)
    if topic:
        back = url_for("site.page", lang=lang, topic=topic, slug=slug)
    else:
        back = url_for("site.site_page", lang=lang, slug=slug)
    answer = form.get("helpful")
    comment = form.get("comment")
    if answer not in ("yes", "no") and comment is None:
        abort(400)
    config = current_app.config
    conn = db.get_db()
    context = {"title": shown.row["title"], "back": back, "topic": topic, "slug": slug}
    if not feedback.allow(conn, client_key(), *config["STATS_FEEDBACK_LIMIT"]):
        html = render_template("stats/thanks.html", limited=True, ask=False, **context)
        return _no_store(Response(html, status=429))
    if comment is not None:
        text = feedback.clean_text(comment, config["STATS_FEEDBACK_MAX"])
        if text:
            feedback.add_comment(conn, lang, topic or SITE, slug, text)
    else:
        recorder().add("helpful_" + answer, lang, topic or SITE, slug)
    ask = answer == "no" and comment is None
    html = render_template(
        "stats/thanks.html", limited=False, ask=ask, max_length=config["STATS_FEEDBACK_MAX"],
        **context,
    )  # fmt: skip
    return _no_store(Response(html))


def _api_error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _public(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['STATS_API_MAX_AGE']}"
    return response


@bp.route("/api/stats")
def api_index() -> Response:
    """What can be downloaded: metrics, periods, the threshold and where each table lives."""
    data = {
        "k": current_app.config["STATS_K"],
        "periods": ["day", "month", "all"],
        "metrics": {
            metric: {
                "json": url_for("stats.api_table", metric=metric, fmt="json"),
                "csv": url_for("stats.api_table", metric=metric, fmt="csv"),
            }
            for metric in store.METRICS
        },
        "dictionary": "docs/statistics.md",
    }
    return _public(jsonify(data))


@bp.route("/api/stats/<metric>.<fmt>")
def api_table(metric: str, fmt: str) -> Response:
    """One metric as a table with small counts suppressed, in JSON or CSV."""
    if metric not in store.METRICS or fmt not in ("json", "csv"):
        return _api_error(404, "no such table; see /api/stats")
    args = request.args
    period = args.get("period", "month")
    k = current_app.config["STATS_K"]
    try:
        start, end = export.date_range(args.get("from"), args.get("to"))
        rows = export.table(db.get_db(), metric, start, end, period, k)
    except export.BadRequest as error:
        return _api_error(400, str(error))
    if fmt == "csv":
        response = Response(export.to_csv(rows), mimetype="text/csv")
        response.headers["Content-Disposition"] = f"attachment; filename={metric}.csv"
    else:
        response = jsonify(export.document(rows, metric, start, end, period, k))
    return _public(response)

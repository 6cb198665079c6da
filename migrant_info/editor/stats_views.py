"""The readership dashboard (/editor/stats): charts with tables, and feedback moderation."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from .. import db
from ..content import get_index
from ..stats import charts, dashboard, feedback, recorder
from . import auth, bp

TOPIC_NAMES = {"_site": "other pages"}


@bp.route("/stats")
@auth.login_required
def stats():
    """Views per topic over time, demand by language, what to translate next, empty searches,
    helpfulness per page and the answers to 'what was missing?'."""
    recorder().flush()  # editors see counts up to this moment
    start, end = dashboard.day_range(request.args.get("from"), request.args.get("to"))
    conn = db.get_db()
    per_topic = dashboard.views_per_topic(conn, start, end)
    languages = dashboard.by_language(conn, start, end)
    translate = dashboard.translate_next(conn, get_index(), start, end)
    helpful = dashboard.helpfulness(conn, start, end)
    series = {TOPIC_NAMES.get(t, t): v for t, v in per_topic["series"].items()}
    label = dashboard.page_label
    return render_template(
        "editor/stats.html",
        start=start,
        end=end,
        k=current_app.config["STATS_K"],
        per_topic=per_topic,
        topic_chart=charts.line_chart(
            "chart-topics", "Page views per topic per day", per_topic["days"], series
        ),
        languages=languages,
        language_chart=charts.bar_chart("chart-languages", "Page views by language", languages),
        translate=translate,
        translate_chart=charts.bar_chart(
            "chart-translate",
            "Most-read pages without a translation in the language they were read in",
            [(f"{r['lang']}: {label(r['topic'], r['slug'])}", r["views"]) for r in translate],
        ),
        empty=dashboard.empty_searches(conn, start, end),
        helpful=helpful,
        helpful_chart=charts.bar_chart(
            "chart-helpful",
            "Share of readers who found a page helpful",
            [(label(h["topic"], h["slug"]), h["share"]) for h in helpful],
            unit="%",
        ),
        totals=dashboard.totals(conn, start, end),
        comments=feedback.comments(conn),
        page_label=label,
    )


@bp.route("/stats/feedback/<int:comment_id>", methods=["POST"])
@auth.login_required
def moderate_feedback(comment_id: int):
    """Hide, show again or delete one answer to 'what was missing?'."""
    auth.require_role("editor", "admin")
    action = request.form.get("action", "")
    if not feedback.moderate(db.get_db(), comment_id, action):
        abort(404)
    flash(
        {"hide": "Answer hidden.", "show": "Answer shown again.", "delete": "Answer deleted."}[
            action
        ]
    )
    return redirect(url_for("editor.stats") + "#feedback", code=303)

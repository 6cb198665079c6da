"""Warning-signs self-check: the ILO's 11 indicators as yes/no questions. Answers are posted
(or, with JavaScript, never leave the phone) and the result is never cached or stored."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from .. import http
from ..content import get_index, require_language, store
from ..content.selfcheck import INDICATORS, localised
from ..site import helpline_context
from . import bp, private


@bp.route("/<lang:lang>/trafficking/self-check", methods=["GET", "POST"])
def self_check(lang: str) -> Response:
    """The questions; on POST, the signs that apply, what to do now and local helplines."""
    require_language(lang)
    data = store.self_check(get_index())
    if not data:
        abort(404)
    questions = localised(data, lang)
    answered = {}
    if request.method == "POST":
        answered = {q: request.form.get(q) == "yes" for q in INDICATORS if request.form.get(q)}
    signs = [q for q in questions if answered.get(q["id"])]
    context = (
        helpline_context(lang, request.form.get("country")) if request.method == "POST" else {}
    )
    if request.method == "GET":
        context["helpline_countries"] = helpline_context(lang)["helpline_countries"]
    html = render_template(
        "tools/self_check.html",
        questions=questions,
        answered=answered,
        signs=signs,
        submitted=request.method == "POST",
        sources=data.get("sources", []),
        **context,
    )
    response = Response(html)
    return private(response) if request.method == "POST" else http.public_cache(response)

"""Route finder view: one question per screen, answers carried in the form (never the URL)."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import gettext

from .. import http, routefinder
from ..content import get_index, require_language, store
from ..locales import country_name
from . import bp, private

MAX_FIELD = 40


def _label(flow: dict, question: dict, option: str, lang: str) -> str:
    if question.get("kind") == "country" and option != "other":
        return country_name(option, lang)
    labels = flow["questions"].get("labels", {})
    return routefinder.text(labels[option], lang) if option in labels else option


def _answers_from(form: dict) -> dict[str, str]:
    return {
        k[2:]: v[:MAX_FIELD] for k, v in form.items() if k.startswith("a_") and len(k) < MAX_FIELD
    }


@bp.route("/<lang:lang>/legal-channels/route-finder", methods=["GET", "POST"])
def route_finder(lang: str) -> Response:
    """Where are you from, where to, why… then the legal steps for that route."""
    require_language(lang)
    flow = store.route_flow(get_index())
    if not flow:
        abort(404)
    questions = {q["id"]: q for q in flow["questions"]["questions"]}
    answers = routefinder.clean(flow, _answers_from(request.form))
    action = request.form.get("action", "next")
    current = request.form.get("q", "")
    error = None
    show = None
    if action.startswith("change:") and action[7:] in answers:
        show = questions[action[7:]]
    elif action == "back" and answers:
        order = [q for q in answers if q != current]
        show = questions[order[-1]] if order else None
    elif current in questions and request.method == "POST":
        value = request.form.get("answer", "")
        if value in [str(o) for o in questions[current]["options"]]:
            answers = routefinder.clean(flow, {**answers, current: value})
        else:
            error = gettext("Choose one answer.")
            show = questions[current]
    if show is None:
        show = routefinder.next_question(flow, answers)
    applicable = [q for q in flow["questions"]["questions"] if routefinder.applies(q, answers)]
    context = {
        "flow": flow,
        "answers": answers,
        "question": show,
        "error": error,
        "step": applicable.index(show) + 1 if show in applicable else len(applicable),
        "steps": len(applicable),
        "label": lambda q, option: _label(flow, q, option, lang),
        "text": lambda texts: routefinder.text(texts, lang),
        "questions": questions,
    }
    if show is None:
        result = routefinder.outcome(flow, answers)
        conn = get_index()
        result["page_links"] = [
            (ref, store.find(conn, lang, *ref.split("/"))) for ref in result["pages"]
        ] + [(w["page"], store.find(conn, lang, *w["page"].split("/"))) for w in result["warnings"]]
        context["result"] = result
    html = render_template("tools/route_finder.html", **context)
    response = Response(html, status=422 if error else 200)
    return private(response) if request.method == "POST" else http.public_cache(response)

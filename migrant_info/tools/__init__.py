"""Tools that work on the reader's own situation. Nothing typed here is stored or logged:
forms post (never GET, so answers stay out of URLs and logs) and answers are `no-store`."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_babel import lazy_gettext as _l

bp = Blueprint("tools", __name__)

# Each tool belongs to a topic: the topic page links to it, saving the topic keeps it offline.
TOPIC_TOOLS = {
    "remittances": ("tools.calculator", _l("What will sending money cost?")),
    "trafficking": ("tools.self_check", _l("Check for warning signs")),
    "legal-channels": ("tools.route_finder", _l("Find a safe and legal way to go")),
}


@bp.app_context_processor
def tool_links() -> dict:
    """Topic pages link to their tool."""
    return {"topic_tools": TOPIC_TOOLS}


def private(response: Response) -> Response:
    """Answers are the reader's business: never cached, never stored anywhere."""
    response.headers["Cache-Control"] = "no-store"
    return response


from . import calculator, routes, selfcheck  # noqa: E402,F401  (views register on bp)

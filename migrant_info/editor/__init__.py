"""The editors' area (/editor): accounts, translation dashboard, translation editor.

The area is in English only: every translator here reads the English source, and keeping
its strings out of the reader catalogs keeps those small and complete.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from .. import db
from ..content import get_index
from . import auth, drift

bp = Blueprint("editor", __name__, url_prefix="/editor")
csrf = CSRFProtect()


@bp.before_request
def before() -> None:
    """Bigger bodies than reader forms allow, CSRF on every POST, then who is logged in."""
    request.max_content_length = current_app.config["EDITOR_MAX_BODY"]
    csrf.protect()
    auth.load_user()


@bp.after_request
def private(response: Response) -> Response:
    """Editor pages are personal: never stored by a browser cache or a CDN."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> tuple[str, int]:
    """A missing or wrong token: say what to do; the draft stays in this browser."""
    return render_template("editor/error.html", title="Form expired", message=error.description,
                           draft_hint=True), 400  # fmt: skip


@bp.errorhandler(403)
def forbidden(error) -> tuple[str, int]:
    """Not allowed for this account."""
    return render_template("editor/error.html", title="Not allowed", message=error.description), 403


@bp.errorhandler(413)
def too_large(error) -> tuple[str, int]:
    """A body over EDITOR_MAX_BODY."""
    message = "That is more text than one page may hold. Nothing was saved."
    return render_template("editor/error.html", title="Too large", message=message,
                           draft_hint=True), 413  # fmt: skip


@bp.context_processor
def editor_globals() -> dict:
    """The logged-in account for every editor template."""
    return {"editor": g.get("editor")}


def init_app(app: Flask) -> None:
    """Sessions for /editor only, CSRF, the views, `flask users`, and source-version keeping."""
    app.session_interface = auth.EditorSessionInterface()
    # Only this blueprint checks tokens (reader APIs are cookie-free, so CSRF cannot apply).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    from . import cli, pages, stats_views, users, views  # noqa: F401 - registers the views

    app.register_blueprint(bp)
    app.cli.add_command(cli.users_cli)
    app.extensions.setdefault("index_listeners", []).append(
        lambda: drift.record_sources(db.get_db(), Path(app.config["CONTENT_DIR"]), get_index())
    )

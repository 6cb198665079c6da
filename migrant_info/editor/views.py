"""Editor views: login, logout, the translation dashboard and adding a language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app, flash, g, redirect, render_template, request, url_for

from .. import db
from ..content import get_index
from ..content.model import TOPICS, ContentError
from ..locales import SOURCE_LANG, display_name, is_known_language
from . import auth, bp, status, workspace
from .accounts import verify
from .pages import reindex
from .workspace import SITE

GENERIC_LOGIN_ERROR = "That name and password do not match an active account."


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def demand() -> dict[tuple[str, str], int]:
    """Views per page from the readership statistics, when that part is installed."""
    source = current_app.extensions.get("page_demand")
    return source() if source else {}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in; the same message for any wrong name or password, and a limit on tries."""
    if g.editor is not None and request.method == "GET":
        return redirect(auth.safe_next(request.args.get("next")))
    error, code = None, 200
    if g.get("session_expired") or request.args.get("expired"):
        error = "Your session ended. Log in again; an unsaved draft is kept in this browser."
    if request.method == "POST":
        name = request.form.get("name", "")[:100]
        password = request.form.get("password", "")[:1000]
        conn = db.get_db()
        if auth.login_blocked(conn, name):
            error, code = "Too many failed attempts. Wait 15 minutes and try again.", 429
        else:
            user = verify(conn, name, password)
            if user is None:
                auth.record_failure(conn, name)
                error, code = GENERIC_LOGIN_ERROR, 401
            else:
                auth.start_session(conn, user)
                return redirect(auth.safe_next(request.args.get("next")), code=303)
    return render_template("editor/login.html", error=error), code


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session everywhere it could be used."""
    auth.end_session(db.get_db())
    return redirect(url_for("editor.login"), code=303)


def all_languages() -> list[str]:
    """Languages with pages in the index plus language folders added but still empty."""
    from ..content import available_languages

    return sorted(set(available_languages()) | set(status.content_languages(_content_dir())))


@bp.route("/")
@auth.login_required
def dashboard():
    """Pages × languages with each translation's state, counts, filters and links."""
    langs = [lang for lang in all_languages() if lang != SOURCE_LANG]
    rows, counts = status.matrix(status.entries_from_index(get_index()), langs, demand())
    lang = request.args.get("lang") or None
    wanted = request.args.get("state") or None
    topic = request.args.get("topic") or None
    if lang not in langs:
        lang = None
    if wanted not in status.STATES:
        wanted = None
    if topic not in (*TOPICS, SITE):
        topic = None
    shown_langs = [lang] if lang else langs
    return render_template(
        "editor/dashboard.html",
        rows=status.filtered(rows, lang, wanted, topic),
        total=len(rows),
        counts=counts,
        langs=shown_langs,
        all_langs=langs,
        states=status.STATES,
        topics=(*TOPICS, SITE),
        chosen={"lang": lang, "state": wanted, "topic": topic},
        by_demand=bool(demand()),
    )


@bp.route("/languages", methods=["GET", "POST"])
@auth.login_required
def languages():
    """Admins add a language: it then shows on the dashboard with every page missing."""
    auth.require_role("admin")
    error, code = None, 200
    if request.method == "POST":
        code_ = request.form.get("code", "").strip()[:20]
        if not is_known_language(code_) or code_ in ("data",):
            error, code = f"'{code_}' is not a language code Babel knows (e.g. si, ta, pt-BR).", 400
        elif code_ in all_languages():
            error, code = f"{display_name(code_, 'en')} is already there.", 400
        else:
            folder = _content_dir() / code_
            folder.mkdir()
            (folder / ".gitkeep").touch()  # git keeps empty folders only with a file in them
            flash(f"Added {display_name(code_, 'en')} ({code_}). Every page is now missing there.")
            return redirect(url_for("editor.dashboard", lang=code_), code=303)
    return render_template(
        "editor/languages.html",
        error=error,
        langs=[(lang, display_name(lang, "en")) for lang in all_languages()],
    ), code


def _new_page_text(fields: dict, body: str) -> str:
    """A new source file: site pages need no sources; topic pages cite one to start with."""
    meta: dict = {"title": fields["title"], "summary": fields["summary"]}
    if fields["topic"] != SITE:
        meta["reviewed"] = dt.date.today()
        meta["sources"] = [{"title": fields["source_title"], "url": fields["source_url"]}]
    return workspace.compose(meta, body)


@bp.route("/new", methods=["GET", "POST"])
@auth.login_required
def new_page():
    """Editors create an English source page; translators then see it as missing."""
    auth.require_role("editor", "admin")
    keys = ("topic", "slug", "title", "summary", "source_title", "source_url")
    fields = {key: request.form.get(key, "").strip() for key in keys}
    body = request.form.get("body", "")
    error, code = None, 200
    if request.method == "POST":
        try:
            loc = workspace.locate(SOURCE_LANG, fields["topic"], fields["slug"])
            if workspace.file_path(_content_dir(), loc).exists():
                raise workspace.WorkspaceError(f"'{loc.rel}' exists already; open it instead.")
            workspace.save(db.get_db(), _content_dir(), Path(current_app.instance_path), loc,
                           _new_page_text(fields, body), "", g.editor.name,
                           action="create")  # fmt: skip
        except workspace.WorkspaceError as exc:
            error, code = str(exc), 422
        except ContentError as exc:
            error, code = exc.reason, 422
        except workspace.Conflict:
            error, code = "Someone created this page a moment ago; open it instead.", 409
        else:
            reindex(loc.rel)
            url = url_for("editor.edit", lang=SOURCE_LANG, topic=loc.topic, slug=loc.slug)
            return redirect(url, code=303)
    return render_template(
        "editor/new.html", fields=fields, body=body, topics=(*TOPICS, SITE), error=error
    ), code

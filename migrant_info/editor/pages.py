"""The translation editor: source beside translation, drift, preview, save, review, history."""

from __future__ import annotations

from pathlib import Path

import yaml
from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import db
from ..content import index, rebuild_now
from ..content.model import ContentError
from ..content.render import render_markdown
from ..links import page_path
from ..locales import SOURCE_LANG, display_name
from . import auth, bp, drift, workspace
from .workspace import SITE, Conflict, Location, WorkspaceError

SYSTEM_KEYS = ("title", "summary", "source_hash", "translated_by", "reviewed_by")


def _dirs() -> tuple[Path, Path]:
    return Path(current_app.config["CONTENT_DIR"]), Path(current_app.instance_path)


def _location(lang: str, topic: str, slug: str) -> Location:
    """A checked location the account may edit, else 404/403 with the reason."""
    try:
        loc = workspace.locate(lang, topic, slug)
    except WorkspaceError as exc:
        abort(404, str(exc))
    auth.require_lang(loc.lang)
    return loc


def reader_url(loc: Location) -> str:
    """Where readers see this page."""
    return page_path(loc.lang, "" if loc.topic == SITE else loc.topic, loc.slug)


def _source(content_dir: Path, loc: Location) -> dict | None:
    """The current English source of a translation (title, summary, body, hash, paragraphs)."""
    text, _ = workspace.read(content_dir, loc.in_lang(SOURCE_LANG))
    if text is None:
        return None
    page = workspace.validate(text, loc.in_lang(SOURCE_LANG))
    return {"title": page.title, "summary": page.summary, "body": page.body,
            "hash": page.content_hash, "paragraphs": drift.paragraphs(page.body),
            "path": page.path}  # fmt: skip


def _form_from_file(text: str | None, loc: Location) -> dict:
    """Form fields from a stored file (empty fields for a new translation)."""
    if text is None:
        return {"title": "", "summary": "", "extra": "", "body": "", "meta": {}}
    meta, body = workspace.split(text, loc.rel)
    extra = {k: v for k, v in meta.items() if k not in SYSTEM_KEYS}
    dumped = yaml.safe_dump(extra, allow_unicode=True, sort_keys=False) if extra else ""
    return {"title": str(meta.get("title", "")), "summary": str(meta.get("summary", "")),
            "extra": dumped, "body": body, "meta": meta}  # fmt: skip


def _form_from_request() -> dict:
    """Form fields as submitted; paragraphs joined with blank lines."""
    paras = [p.replace("\r\n", "\n").strip("\n") for p in request.form.getlist("para")]
    return {
        "title": request.form.get("title", "").strip(),
        "summary": request.form.get("summary", "").strip(),
        "extra": request.form.get("extra", ""),
        "body": "\n\n".join(p for p in paras if p.strip()),
        "reviewed": request.form.get("reviewed") == "yes",
    }


def compose_text(form: dict, loc: Location, old_meta: dict, source_hash: str | None) -> str:
    """The file a save writes: front matter from the fields, then the body."""
    try:
        extra = yaml.safe_load(form["extra"]) if form["extra"].strip() else {}
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ContentError(loc.rel, f"other front matter is not valid YAML: {problem}") from None
    if not isinstance(extra, dict):
        raise ContentError(loc.rel, "other front matter must be 'key: value' lines")
    clash = sorted(set(extra) & set(SYSTEM_KEYS))
    if clash:
        raise ContentError(loc.rel, f"'{clash[0]}' is set by its own field, not here")
    meta = {"title": form["title"], "summary": form["summary"], **extra}
    if not loc.is_source:
        meta["source_hash"] = source_hash
        meta["translated_by"] = old_meta.get("translated_by") or "human"
        reviewer = g.editor.name if form.get("reviewed") else old_meta.get("reviewed_by")
        if reviewer:
            meta["reviewed_by"] = reviewer
    return workspace.compose(meta, form["body"])


def _render_editor(loc: Location, form: dict, base_hash: str, code: int = 200, **extra):
    """The editor page: rows of source and translation paragraphs, drift flags, preview."""
    content_dir, _ = _dirs()
    source = None if loc.is_source else _source(content_dir, loc)
    if not loc.is_source and source is None:
        abort(404, "This page has no English source.")
    old_meta = form.get("meta") or {}
    made_from = old_meta.get("source_hash")
    change = None
    if source and made_from and made_from != source["hash"]:
        old = drift.source_version(db.get_db(), content_dir, source["path"], made_from)
        change = drift.compare(old, source["title"], source["summary"], source["body"])
    translation = drift.paragraphs(form["body"])
    if source:
        rows = drift.align(source["paragraphs"], translation)
        flags = change.paragraphs if change and change.known else ()
    else:
        rows = [("", p) for p in translation] or [("", "")]
        flags = ()
    return render_template(
        "editor/edit.html",
        loc=loc,
        form=form,
        base_hash=base_hash,
        source=source,
        source_hash=extra.pop("source_hash", None) or (source["hash"] if source else None),
        rows=rows,
        flags=flags,
        change=change,
        lang_name=display_name(loc.lang, "en"),
        reader_url=reader_url(loc),
        meta=old_meta,
        **extra,
    ), code


@bp.route("/<lang>/<topic>/<slug>", methods=["GET"])
@auth.login_required
def edit(lang: str, topic: str, slug: str):
    """Open a page (or a missing translation) for editing."""
    loc = _location(lang, topic, slug)
    content_dir, _ = _dirs()
    text, digest = workspace.read(content_dir, loc)
    if text is None and loc.is_source:
        abort(404, "There is no such source page. Create it from 'New page'.")
    try:
        form = _form_from_file(text, loc)
    except ContentError as exc:  # a broken file can still be fixed here, as raw text
        form = {"title": "", "summary": "", "extra": "", "body": text or "", "meta": {}}
        flash(f"This file does not parse ({exc.reason}); its whole text is in the body.")
    return _render_editor(loc, form, digest, saved=request.args.get("saved"))


@bp.route("/<lang>/<topic>/<slug>", methods=["POST"])
@auth.login_required
def save(lang: str, topic: str, slug: str):
    """Validate and save, or show a preview, or refuse with the editor's text kept."""
    loc = _location(lang, topic, slug)
    content_dir, instance_dir = _dirs()
    form = _form_from_request()
    base_hash = request.form.get("base_hash", "")
    current_text, current_hash = workspace.read(content_dir, loc)
    try:
        old_meta = _form_from_file(current_text, loc)["meta"] if current_text else {}
    except ContentError:
        old_meta = {}
    form["meta"] = {**old_meta, "source_hash": request.form.get("made_from") or None}
    source_hash = request.form.get("source_hash") or None
    if request.form.get("action") == "preview":
        html, _ = render_markdown(form["body"])
        return _render_editor(loc, form, base_hash, preview=html, source_hash=source_hash)
    try:
        text = compose_text(form, loc, old_meta, source_hash)
        revision = workspace.save(
            db.get_db(), content_dir, instance_dir, loc, text, base_hash, g.editor.name
        )
    except ContentError as exc:
        return _render_editor(loc, form, base_hash, 422, error=exc.reason, source_hash=source_hash)
    except Conflict as conflict:
        return _render_editor(loc, form, conflict.current_hash, 409, conflict=conflict,
                              source_hash=source_hash)  # fmt: skip
    except OSError:
        current_app.logger.exception("saving %s failed", loc.rel)
        message = "The file could not be written; nothing changed. Your text is still here."
        return _render_editor(loc, form, base_hash, 503, error=message, source_hash=source_hash)
    reindex(loc.rel)
    flash("Saved. Readers see the new version now.")
    url = url_for("editor.edit", lang=loc.lang, topic=loc.topic, slug=loc.slug, saved=revision)
    return redirect(url, code=303)


def reindex(rel: str) -> None:
    """Put the saved page (content path `rel`) in the index at once; errors keep the old one."""
    try:
        rebuild_now(current_app._get_current_object(), [rel])
    except index.BuildFailed as failed:
        flash(f"Saved, but readers see the previous version: {failed.errors[0]}")


@bp.route("/preview", methods=["POST"])
@auth.login_required
def preview():
    """The reader's rendering (sanitised) of posted Markdown, for the live preview."""
    body = request.get_json(silent=True) or {}
    markdown = body.get("body") if isinstance(body, dict) else None
    if not isinstance(markdown, str):
        return jsonify(error='Send {"body": "…Markdown…"}.'), 400
    html, _ = render_markdown(markdown)
    return jsonify(html=html)


@bp.route("/<lang>/<topic>/<slug>/review", methods=["POST"])
@auth.login_required
def review(lang: str, topic: str, slug: str):
    """Record who reviewed a machine translation; readers stop seeing the notice."""
    loc = _location(lang, topic, slug)
    if loc.is_source:
        abort(400, "Source pages are not translations.")
    content_dir, instance_dir = _dirs()
    text, digest = workspace.read(content_dir, loc)
    if text is None:
        abort(404, "There is no translation to review yet.")
    if request.form.get("base_hash", "") != digest:
        flash("The page changed since you opened it; look at it again before marking it.")
        return redirect(url_for("editor.edit", lang=lang, topic=topic, slug=slug), code=303)
    meta, body = workspace.split(text, loc.rel)
    meta["reviewed_by"] = g.editor.name
    new_text = workspace.compose(meta, body)
    workspace.save(db.get_db(), content_dir, instance_dir, loc, new_text, digest, g.editor.name,
                   action="review")  # fmt: skip
    reindex(loc.rel)
    flash("Marked as reviewed by you. The machine-translation notice is gone.")
    return redirect(url_for("editor.edit", lang=lang, topic=topic, slug=slug), code=303)


@bp.route("/<lang>/<topic>/<slug>/revisions")
@auth.login_required
def history(lang: str, topic: str, slug: str):
    """Every saved version of this file."""
    loc = _location(lang, topic, slug)
    return render_template(
        "editor/revisions.html", loc=loc, revisions=workspace.revisions(db.get_db(), loc.rel)
    )


@bp.route("/<lang>/<topic>/<slug>/revisions/<int:revision_id>")
@auth.login_required
def show_revision(lang: str, topic: str, slug: str, revision_id: int):
    """One saved version's full text, with a button to restore it."""
    loc = _location(lang, topic, slug)
    row = workspace.revision(db.get_db(), loc.rel, revision_id)
    if row is None:
        abort(404, "No such revision of this page.")
    _, digest = workspace.read(_dirs()[0], loc)
    return render_template("editor/revision.html", loc=loc, revision=row, base_hash=digest)


@bp.route("/<lang>/<topic>/<slug>/revisions/<int:revision_id>/restore", methods=["POST"])
@auth.login_required
def restore(lang: str, topic: str, slug: str, revision_id: int):
    """Save an old version as the newest one (itself a new revision; nothing is lost)."""
    loc = _location(lang, topic, slug)
    conn = db.get_db()
    row = workspace.revision(conn, loc.rel, revision_id)
    if row is None:
        abort(404, "No such revision of this page.")
    content_dir, instance_dir = _dirs()
    try:
        workspace.save(conn, content_dir, instance_dir, loc, row["text"],
                       request.form.get("base_hash", ""), g.editor.name,
                       action=f"restore #{revision_id}")  # fmt: skip
    except Conflict:
        flash("The page changed since you opened the revision; look again before restoring.")
        return redirect(url_for("editor.show_revision", lang=lang, topic=topic, slug=slug,
                                revision_id=revision_id), code=303)  # fmt: skip
    except ContentError as exc:
        abort(422, f"That revision no longer passes the checks: {exc.reason}")
    reindex(loc.rel)
    flash(f"Restored revision #{revision_id}.")
    return redirect(url_for("editor.edit", lang=lang, topic=topic, slug=slug), code=303)

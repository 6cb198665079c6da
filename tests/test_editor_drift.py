"""Source versions by hash and the changed paragraphs an outdated translation shows."""

from __future__ import annotations

import sqlite3

from migrant_info import db
from migrant_info.editor import drift
from tests.test_editor_pages import form_fields

OLD = {"title": "T", "summary": "S", "body": "One.\n\nTwo.\n\n- a\n- b\n\nFour."}


def test_paragraphs_keep_lists_and_tables_whole():
    assert drift.paragraphs("A\nstill A\n\n\n- x\n- y\n\n| a |\n|---|\n") == [
        "A\nstill A", "- x\n- y", "| a |\n|---|"
    ]  # fmt: skip


def test_compare_flags_only_changed_and_new_paragraphs():
    change = drift.compare(
        OLD, "T", "S (new)", "One.\n\nTwo, changed.\n\n- a\n- b\n\nFour.\n\nFive."
    )
    assert change.known and not change.title and change.summary
    assert change.paragraphs == (False, True, False, False, True)
    assert change.count == 3


def test_compare_lists_removed_paragraphs():
    change = drift.compare(OLD, "T", "S", "One.\n\nFour.")
    assert change.paragraphs == (False, False)
    assert set(change.removed) == {"Two.", "- a\n- b"}


def test_unknown_old_version_says_so():
    assert drift.compare(None, "T", "S", "x") == drift.Drift(known=False)


def test_align_never_drops_translation_paragraphs():
    rows = drift.align(["a", "b"], ["A", "B", "C"])
    assert rows == [("a", "A"), ("b", "B\n\nC")]
    assert drift.align([], []) == [("", "")]


def test_every_source_page_version_is_kept_after_the_index_builds(app, editor_client):
    editor_client.get("/editor/")
    with sqlite3.connect(db.path_for(app)) as conn:
        paths = {row[0] for row in conn.execute("select path from source_versions")}
    assert {"en/rights/passport.md", "en/rights/wages.md", "en/safety.md"} <= paths
    assert not any(path.startswith("ne/") for path in paths)


CHANGED = "Migrant workers keep their passports. Nobody else may hold your passport."


def change_source_paragraph(client, content_dir) -> None:
    """Make the Nepali passport page current, then change its source's second paragraph."""
    ne = content_dir / "ne/rights/passport.md"
    source_file = content_dir / "en/rights/passport.md"
    page = client.get("/editor/en/rights/passport").text
    source_hash = form_fields(client.get("/editor/ne/rights/passport").text)["source_hash"]
    ne.write_text(ne.read_text().replace('"0123456789abcdef"', source_hash))
    head, body = source_file.read_text().split("---\n")[1:3]
    paras = drift.paragraphs(body)
    paras[1] = CHANGED
    extra = "\n".join(
        line for line in head.splitlines() if not line.startswith(("title", "summary"))
    )
    saved = client.post("/editor/en/rights/passport", data={
        **form_fields(page), "title": "Your passport is yours",
        "summary": "Your employer may not keep your passport.",
        "para": paras, "extra": extra, "action": "save"})  # fmt: skip
    assert saved.status_code == 303, saved.text


def test_outdated_translation_highlights_the_changed_paragraph(app, editor_client, content_dir):
    change_source_paragraph(editor_client, content_dir)
    shown = editor_client.get("/editor/ne/rights/passport").text
    assert "The English source changed since this translation was made" in shown
    assert "1 change, highlighted below" in shown
    changed = shown.split("data-changed")[1]
    assert CHANGED in changed.split("</pre>")[0]
    assert shown.count("data-changed") == 1
    with sqlite3.connect(db.path_for(app)) as conn:
        versions = conn.execute(
            "select count(*) from source_versions where path = 'en/rights/passport.md'"
        ).fetchone()[0]
    assert versions == 2
    # The dashboard shows the cell as outdated.
    assert 'aria-label="passport in ne: outdated"' in editor_client.get("/editor/").text


def test_version_missing_everywhere_is_explained(editor_client):
    shown = editor_client.get("/editor/ne/rights/passport").text  # made from 0123456789abcdef
    assert "is not stored anywhere" in shown

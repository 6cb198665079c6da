"""The translation editor: permissions, saving, refused saves, conflicts, revisions, review."""

from __future__ import annotations

import os
import re
import sqlite3

import pytest

from migrant_info import db
from tests.conftest import csrf_token, log_in

PASSPORT_NE = "/editor/ne/rights/passport"


def form_fields(html: str) -> dict:
    """The editor form's hidden fields as the page rendered them."""
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    return fields


def submit(client, url: str, html: str, **changes):
    """Post the editor form as a browser would, with some fields changed."""
    data = {**form_fields(html), "title": "राहदानी तपाईंको हो", "summary": "छोटो सारांश।",
            "para": ["पहिलो अनुच्छेद।", "दोस्रो अनुच्छेद।"], "extra": "", "action": "save"}  # fmt: skip
    data.update(changes)
    return client.post(url, data=data)


@pytest.fixture
def ana(app, accounts):
    client = app.test_client()
    log_in(client, "ana")
    return client


@pytest.mark.parametrize(
    "who, path, status",
    [
        ("ana", "/editor/ne/rights/passport", 200),
        ("ana", "/editor/ne/rights/wages", 200),  # missing translation: opens empty
        ("ana", "/editor/bn/rights/passport", 403),
        ("ana", "/editor/en/rights/passport", 403),
        ("ana", "/editor/new", 403),
        ("ana", "/editor/languages", 403),
        ("eddie", "/editor/bn/rights/passport", 200),
        ("eddie", "/editor/en/rights/passport", 200),
        ("eddie", "/editor/new", 200),
        ("eddie", "/editor/languages", 403),
        ("root", "/editor/languages", 200),
    ],
)
def test_permissions(app, accounts, who, path, status):
    client = app.test_client()
    log_in(client, who)
    assert client.get(path).status_code == status


def test_translator_cannot_save_another_language(ana):
    page = ana.get(PASSPORT_NE).text
    response = submit(ana, "/editor/bn/rights/passport", page)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/editor/ne/rights/..%2F..%2Fetc", "/editor/ne/../../etc/passwd", "/editor/xx-zz/rights/passport",
     "/editor/ne/nope/passport", "/editor/ne/rights/Passport", "/editor/en/_site/search",
     "/editor/%2e%2e/rights/passport", "/editor/ne/rights/passport.md"],
)  # fmt: skip
def test_paths_outside_the_rules_are_refused(editor_client, path):
    response = editor_client.get(path)
    assert response.status_code in (403, 404)


def test_save_writes_the_file_records_a_revision_and_updates_readers(app, ana, content_dir):
    page = ana.get(PASSPORT_NE).text
    response = submit(ana, PASSPORT_NE, page)
    assert response.status_code == 303 and "saved=" in response.headers["Location"]
    text = (content_dir / "ne/rights/passport.md").read_text()
    assert "पहिलो अनुच्छेद।\n\nदोस्रो अनुच्छेद।" in text
    assert "translated_by: machine" in text  # the file's history is kept; review is separate
    reader = app.test_client().get("/ne/rights/passport").text
    assert "दोस्रो अनुच्छेद।" in reader and "छोटो सारांश।" in reader
    assert "outdated" not in re.search(r"<main.*</main>", reader, re.S).group(0).lower()
    history = ana.get(PASSPORT_NE + "/revisions").text
    assert "ana" in history and "save" in history
    assert not list(content_dir.rglob("*.tmp"))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"extra": "countries: [NP, qa"}, "not valid YAML"),
        ({"extra": "- a list"}, "must be 'key: value' lines"),
        ({"extra": "source_hash: 0000000000000000"}, "set by its own field"),
        ({"extra": "colour: blue"}, "unknown front matter key 'colour'"),
        ({"summary": "x" * 161}, "the limit is 160"),
        ({"title": ""}, "title"),
        ({"extra": "sources: [{title: x, url: 'javascript:alert(1)'}]"}, "needs an http(s) 'url'"),
    ],
)
def test_refused_saves_say_why_and_keep_the_text(ana, content_dir, changes, message):
    before = (content_dir / "ne/rights/passport.md").read_bytes()
    page = ana.get(PASSPORT_NE).text
    response = submit(ana, PASSPORT_NE, page, **changes)
    assert response.status_code == 422
    assert message in response.text.replace("&#39;", "'")
    assert "दोस्रो अनुच्छेद।" in response.text  # the editor's text is still in the form
    assert (content_dir / "ne/rights/passport.md").read_bytes() == before


def test_oversized_body_is_refused_with_413(app, ana, content_dir):
    page = ana.get(PASSPORT_NE).text
    app.config["EDITOR_MAX_BODY"] = 2000
    response = submit(ana, PASSPORT_NE, page, para=["क" * 3000])
    assert response.status_code == 413
    assert "more text than one page may hold" in response.text


def test_two_editors_saving_the_same_page_conflict(app, accounts, content_dir):
    first, second = app.test_client(), app.test_client()
    log_in(first, "ana")
    log_in(second, "eddie")
    page_first, page_second = first.get(PASSPORT_NE).text, second.get(PASSPORT_NE).text
    assert submit(second, PASSPORT_NE, page_second, para=["एडीको पाठ।"]).status_code == 303
    refused = submit(first, PASSPORT_NE, page_first, para=["अनाको पाठ।"])
    assert refused.status_code == 409
    assert "someone changed this page since you opened it" in refused.text
    assert "एडीको पाठ।" in refused.text and "अनाको पाठ।" in refused.text  # both versions shown
    assert "एडीको पाठ।" in (content_dir / "ne/rights/passport.md").read_text()
    # After merging, saving the refused form (now based on the saved version) goes through.
    merged = submit(first, PASSPORT_NE, refused.text, para=["एडीको पाठ।", "अनाको पाठ।"])
    assert merged.status_code == 303


def test_file_changed_on_disk_is_a_conflict_too(ana, content_dir):
    page = ana.get(PASSPORT_NE).text
    path = content_dir / "ne/rights/passport.md"
    path.write_text(path.read_text() + "\nगिट प्रयोगकर्ताको परिवर्तन।\n")
    assert submit(ana, PASSPORT_NE, page).status_code == 409
    assert "गिट प्रयोगकर्ताको परिवर्तन।" in path.read_text()


def test_failure_between_write_and_rename_leaves_the_old_file(ana, content_dir, monkeypatch):
    path = content_dir / "ne/rights/passport.md"
    before = path.read_bytes()
    page = ana.get(PASSPORT_NE).text

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    response = submit(ana, PASSPORT_NE, page)
    assert response.status_code == 503
    assert "nothing changed" in response.text and "दोस्रो अनुच्छेद।" in response.text
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_revision_restore(ana, content_dir):
    original = (content_dir / "ne/rights/passport.md").read_text()
    page = ana.get(PASSPORT_NE).text
    submit(ana, PASSPORT_NE, page, para=["पहिलो संस्करण।"])
    page = ana.get(PASSPORT_NE).text
    submit(ana, PASSPORT_NE, page, para=["दोस्रो संस्करण।"])
    history = ana.get(PASSPORT_NE + "/revisions").text
    first_id = min(int(n) for n in re.findall(r"/revisions/(\d+)", history))
    shown = ana.get(f"{PASSPORT_NE}/revisions/{first_id}")
    assert "पहिलो संस्करण।" in shown.text
    restored = ana.post(f"{PASSPORT_NE}/revisions/{first_id}/restore", data=form_fields(shown.text))
    assert restored.status_code == 303
    text = (content_dir / "ne/rights/passport.md").read_text()
    assert "पहिलो संस्करण।" in text and text != original
    assert "restore #" in ana.get(PASSPORT_NE + "/revisions").text


@pytest.mark.parametrize("path", ["rights/_index", "rights/passport"])
def test_review_removes_the_machine_notice(app, ana, content_dir, path):
    reader_url = "/ne/" + path.replace("_index", "")
    reader = app.test_client()
    assert "machine-notice" in reader.get(reader_url).text
    page = ana.get(f"/editor/ne/{path}").text
    assert "Mark as reviewed by me" in page
    response = ana.post(f"/editor/ne/{path}/review", data=form_fields(page))
    assert response.status_code == 303
    assert "reviewed_by: ana" in (content_dir / f"ne/{path}.md").read_text()
    assert "machine-notice" not in reader.get(reader_url).text
    assert "Mark as reviewed by me" not in ana.get(f"/editor/ne/{path}").text


def test_review_of_a_changed_page_is_refused(ana, content_dir):
    page = ana.get("/editor/ne/rights/_index").text
    path = content_dir / "ne/rights/_index.md"
    path.write_text(path.read_text() + "\nनयाँ।\n")
    response = ana.post("/editor/ne/rights/_index/review", data=form_fields(page))
    assert response.status_code == 303
    assert "reviewed_by: ana" not in path.read_text()


def test_new_translation_is_created_as_human(ana, content_dir):
    page = ana.get("/editor/ne/rights/wages").text
    assert submit(ana, "/editor/ne/rights/wages", page).status_code == 303
    text = (content_dir / "ne/rights/wages.md").read_text()
    assert "translated_by: human" in text and "source_hash:" in text


def test_html_in_markdown_is_sanitised_in_preview_and_on_the_page(app, ana):
    nasty = '<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    preview = ana.post("/editor/preview", json={"body": nasty},
                       headers={"X-CSRFToken": csrf_token(ana.get(PASSPORT_NE).text)})  # fmt: skip
    assert preview.status_code == 200
    html = preview.get_json()["html"]
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    page = ana.get(PASSPORT_NE).text
    submit(ana, PASSPORT_NE, page, para=[nasty])
    reader = app.test_client().get("/ne/rights/passport").text
    main = re.search(r"<main.*</main>", reader, re.S).group(0)
    assert "<script>alert" not in main and "onerror" not in main and "javascript:" not in main


def test_preview_without_javascript_renders_in_the_page(ana):
    page = ana.get(PASSPORT_NE).text
    response = submit(ana, PASSPORT_NE, page, action="preview", para=["**बोल्ड**"])
    assert response.status_code == 200 and "<strong>बोल्ड</strong>" in response.text


def test_new_page_and_its_refusals(editor_client, content_dir):
    page = editor_client.get("/editor/new").text
    fields = {"csrf_token": csrf_token(page), "topic": "rights", "title": "Rest days",
              "summary": "One day off a week.", "source_title": "ILO C189",
              "source_url": "https://www.ilo.org/c189", "body": "You rest one day a week."}  # fmt: skip
    for slug, message in [("../../etc", "lowercase letters"), ("passport", "exists already"),
                          ("Rest", "lowercase letters")]:  # fmt: skip
        refused = editor_client.post("/editor/new", data={**fields, "slug": slug})
        assert refused.status_code == 422 and message in refused.text
    site = editor_client.post("/editor/new", data={**fields, "topic": "_site", "slug": "search"})
    assert site.status_code == 422 and "reserved" in site.text
    made = editor_client.post("/editor/new", data={**fields, "slug": "rest-days"})
    assert made.status_code == 303
    assert (content_dir / "en/rights/rest-days.md").exists()
    dashboard = editor_client.get("/editor/?state=missing&lang=ne").text
    assert "rights/rest-days" in dashboard


def test_admin_adds_a_language_that_shows_all_missing(app, accounts, content_dir):
    client = app.test_client()
    log_in(client, "root")
    page = client.get("/editor/languages").text
    for code in ("xx-evil", "../en", "data"):
        bad = client.post("/editor/languages", data={"csrf_token": csrf_token(page), "code": code})
        assert bad.status_code == 400
    added = client.post("/editor/languages", data={"csrf_token": csrf_token(page), "code": "si"})
    assert added.status_code == 303
    assert (content_dir / "si").is_dir()
    dashboard = client.get("/editor/?lang=si").text
    total = len(re.findall(r'class="cell missing"', dashboard))
    assert total >= 5 and 'data-lang="si" data-state="missing">' in dashboard
    assert app.test_client().get("/si/").status_code == 404  # readers see it once it has pages


def test_revisions_are_in_the_state_database(app, ana):
    page = ana.get(PASSPORT_NE).text
    submit(ana, PASSPORT_NE, page)
    with sqlite3.connect(db.path_for(app)) as conn:
        author, path, text = conn.execute("select author, path, text from revisions").fetchone()
    assert (author, path) == ("ana", "ne/rights/passport.md") and "पहिलो" in text

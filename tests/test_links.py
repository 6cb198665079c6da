"""Short links: stable codes, renames keep them, removed and unknown codes get helpful pages."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from migrant_info import create_app, db
from migrant_info.links import ALPHABET


def codes(app) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    conn = sqlite3.connect(Path(app.instance_path) / db.DB_NAME)
    rows = conn.execute("select lang, topic, slug, code, removed from short_links").fetchall()
    return {(lang, topic, slug): (code, removed) for lang, topic, slug, code, removed in rows}


def fresh_app(app, content_dir):
    """A new process on the same instance: it rebuilds a changed index and syncs the codes."""
    new = create_app({"INSTANCE_DIR": app.instance_path, "CONTENT_DIR": str(content_dir)})
    new.test_client().get("/en/")
    return new


def test_every_page_in_every_language_gets_a_code(client, app):
    client.get("/en/")
    found = codes(app)
    assert ("ne", "rights", "passport") in found and ("en", "", "safety") in found
    for code, _removed in found.values():
        assert re.fullmatch(f"[{ALPHABET}]{{1,6}}", code)
        assert not set(code) & set("01ilo")


def test_short_link_redirects_case_insensitively_and_counts_opens(client, app):
    client.get("/en/")
    code, _ = codes(app)[("ar", "rights", "passport")]
    for variant in (code, code.upper()):
        response = client.get(f"/s/{variant}")
        assert response.status_code == 302
        assert response.headers["Location"] == "/ar/rights/passport"
    from migrant_info.stats import recorder

    recorder(app).flush()
    conn = sqlite3.connect(Path(app.instance_path) / db.DB_NAME)
    opens = conn.execute(
        "select sum(count) from stats_daily where metric = 'short_link' and lang = 'ar'"
    ).fetchone()[0]
    assert opens == 2


def test_codes_are_stable_across_rebuilds(client, app, content_dir):
    client.get("/en/")
    before = codes(app)
    page = content_dir / "en/rights/wages.md"
    page.write_text(page.read_text() + "\nMore.\n", encoding="utf-8")
    after = codes(fresh_app(app, content_dir))
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}


def test_renamed_page_keeps_its_code(client, app, content_dir):
    client.get("/en/")
    old_code, _ = codes(app)[("en", "rights", "wages")]
    old = content_dir / "en/rights/wages.md"
    text = old.read_text(encoding="utf-8").replace(
        "summary:", "aliases: [rights/wages]\nsummary:", 1
    )
    (content_dir / "en/rights/pay.md").write_text(text, encoding="utf-8")
    old.unlink()
    new = fresh_app(app, content_dir)
    assert codes(new)[("en", "rights", "pay")] == (old_code, None)
    assert new.test_client().get(f"/s/{old_code}").headers["Location"] == "/en/rights/pay"


def test_removed_page_code_shows_a_page_in_its_language(client, app, content_dir):
    client.get("/en/")
    code, _ = codes(app)[("ar", "rights", "passport")]
    (content_dir / "ar/rights/passport.md").unlink()
    new = fresh_app(app, content_dir)
    response = new.test_client().get(f"/s/{code}")
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html and 'href="/ar/rights/"' in html


@pytest.mark.parametrize("full_build", [False, True], ids=["in-place", "swapped"])
def test_a_long_running_command_gives_each_new_page_a_code(app, content_dir, full_build):
    # `flask content watch` runs the listeners in one app context for as long as it watches;
    # each run must read the index as it is now, also after a full build swapped the file.
    from migrant_info.content import index, notify_listeners

    path = Path(app.config["INDEX_PATH"])
    with app.app_context():
        index.build(content_dir, path)
        notify_listeners(app)
        text = (content_dir / "en/rights/wages.md").read_text(encoding="utf-8")
        (content_dir / "en/rights/rest.md").write_text(text, encoding="utf-8")
        if full_build:
            index.build(content_dir, path)
        else:
            index.ensure_fresh(content_dir, path)
        notify_listeners(app)
    assert codes(app)[("en", "rights", "rest")][1] is None


@pytest.mark.parametrize("code", ["zzzzz", "0o1il", "../etc", "a" * 40, "%00"])
def test_unknown_codes_get_a_friendly_page_with_search(client, code):
    response = client.get(f"/s/{code}")
    assert response.status_code == 404
    assert 'name="q"' in response.get_data(as_text=True)


def test_share_panel_has_short_link_qr_and_sms(client, app):
    html = client.get("/ne/rights/passport").get_data(as_text=True)
    code, _ = codes(app)[("ne", "rights", "passport")]
    assert f'href="http://127.0.0.1:5000/s/{code}"' in html
    assert f'src="/s/{code}.svg"' in html
    assert f"रोजगारदाताले तपाईंको राहदानी राख्न पाउँदैन। http://127.0.0.1:5000/s/{code}" in html
    svg = client.get(f"/s/{code}.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data and b"<path" in svg.data


def test_sms_composer_counts_without_javascript(client):
    html = client.post("/en/sms", data={"text": "It’s " + "a" * 70}).get_data(as_text=True)
    assert "2 parts, UCS-2" in html
    assert '<p id="sms-forced">These characters need the long Unicode encoding: ’</p>' in html
    fixed = client.post("/en/sms", data={"text": "It’s ok", "action": "fix"}).get_data(as_text=True)
    assert "It&#39;s ok</textarea>" in fixed


def test_segments_api(client):
    data = client.get("/api/sms/segments", query_string={"text": "€" * 81}).get_json()
    assert (data["encoding"], data["segments"], data["units"]) == ("GSM-7", 2, 162)
    assert client.get("/api/sms/segments", query_string={"text": "a" * 2000}).status_code == 422


def test_state_database_migrations_are_recorded(client, app):
    client.get("/en/")
    conn = sqlite3.connect(Path(app.instance_path) / db.DB_NAME)
    assert [r[0] for r in conn.execute("select name from migrations")] == [
        n for n, _ in db.MIGRATIONS
    ]
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.migrate(db.connect(Path(app.instance_path) / db.DB_NAME)) == []  # idempotent


def test_db_backup_is_a_consistent_copy(runner, client, app, tmp_path):
    client.get("/en/")
    target = tmp_path / "backup" / "state.db"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0 and "integrity: ok" in result.output
    copy = sqlite3.connect(target)
    assert copy.execute("select count(*) from short_links").fetchone()[0] == len(codes(app))


def test_db_migrate_command_is_idempotent(runner, client):
    client.get("/en/")
    assert "Up to date." in runner.invoke(args=["db", "migrate"]).output
    for name in ("backup", "migrate"):
        assert runner.invoke(args=["db", name, "--help"]).exit_code == 0

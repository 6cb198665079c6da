"""Content index: builds, atomic swaps, stale detection, and a failed build keeps serving."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from migrant_info import create_app
from migrant_info.content import index


def build(content_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "index.db"
    index.build(content_dir, path)
    return path


def test_build_stores_pages_statuses_and_search_rows(content_dir, tmp_path):
    path = build(content_dir, tmp_path)
    conn = index.connect(path)
    statuses = dict(conn.execute("select path, status from pages").fetchall())
    assert statuses["en/rights/passport.md"] == "source"
    assert statuses["ar/rights/passport.md"] == "current"
    assert statuses["ne/rights/passport.md"] == "outdated"
    assert conn.execute("select count(*) from fts_words").fetchone()[0] == len(statuses) - 1
    assert conn.execute("select count(*) from fts_trigram").fetchone()[0] == 1  # Burmese
    assert index.index_checksum(path) == index.tree_checksum(content_dir)


def test_failed_build_leaves_the_previous_index_untouched(content_dir, tmp_path):
    path = build(content_dir, tmp_path)
    before = path.read_bytes()
    (content_dir / "en/rights/broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(index.BuildFailed) as failed:
        index.build(content_dir, path)
    assert failed.value.errors[0].path == "en/rights/broken.md"
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".index.db.*.tmp"))


def test_open_connection_keeps_reading_while_a_new_index_is_swapped_in(content_dir, tmp_path):
    path = build(content_dir, tmp_path)
    reader = index.connect(path)
    old_title = reader.execute(
        "select title from pages where path = 'en/rights/wages.md'"
    ).fetchone()[0]
    page = content_dir / "en/rights/wages.md"
    page.write_text(
        page.read_text().replace("Wages and rest days", "Pay and rest"), encoding="utf-8"
    )
    index.build(content_dir, path)
    assert (
        reader.execute("select title from pages where path = 'en/rights/wages.md'").fetchone()[0]
        == old_title
    )
    fresh = index.connect(path)
    assert (
        fresh.execute("select title from pages where path = 'en/rights/wages.md'").fetchone()[0]
        == "Pay and rest"
    )


def test_stale_detection_uses_checksums_not_mtimes(content_dir, tmp_path):
    path = build(content_dir, tmp_path)
    page = content_dir / "en/rights/wages.md"
    stat = page.stat()
    page.write_text(page.read_text().replace("every month", "every week!"), encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime, new bytes
    assert index.ensure_fresh(content_dir, path) is True
    assert index.ensure_fresh(content_dir, path) is False


def test_unchanged_files_reuse_their_previous_render(content_dir, tmp_path):
    path = build(content_dir, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("update pages set html = '<p>kept</p>' where path = 'en/rights/wages.md'")
    conn.commit()
    conn.close()
    (content_dir / "en/rights/passport.md").write_text(
        (content_dir / "en/rights/passport.md").read_text() + "\nMore.\n", encoding="utf-8"
    )
    index.build(content_dir, path)
    html = dict(index.connect(path).execute("select path, html from pages").fetchall())
    assert html["en/rights/wages.md"] == "<p>kept</p>"  # reused, not re-rendered
    assert "More." in html["en/rights/passport.md"]


def test_server_builds_missing_index_before_first_answer(tmp_path, content_dir):
    app = create_app({"INSTANCE_DIR": str(tmp_path / "inst"), "CONTENT_DIR": str(content_dir)})
    assert not Path(app.config["INDEX_PATH"]).exists()  # loading the app (or a CLI) builds nothing
    assert app.test_client().get("/en/").status_code == 200
    assert Path(app.config["INDEX_PATH"]).exists()


def test_server_rebuilds_stale_index_at_start(tmp_path, content_dir):
    config = {"INSTANCE_DIR": str(tmp_path / "inst"), "CONTENT_DIR": str(content_dir)}
    create_app(config).test_client().get("/en/")
    page = content_dir / "en/rights/wages.md"
    page.write_text(
        page.read_text().replace("Wages and rest days", "Pay and rest"), encoding="utf-8"
    )
    assert b"Pay and rest" in create_app(config).test_client().get("/en/rights/wages").data


def test_app_start_with_broken_content_serves_last_good_index(tmp_path, content_dir):
    config = {"INSTANCE_DIR": str(tmp_path / "inst"), "CONTENT_DIR": str(content_dir)}
    create_app(config).test_client().get("/en/")
    (content_dir / "en/rights/broken.md").write_text("no front matter", encoding="utf-8")
    app = create_app(config)
    response = app.test_client().get("/en/rights/passport")
    assert response.status_code == 200


def test_broken_content_and_no_index_answers_503_not_500(tmp_path, content_dir):
    (content_dir / "en/rights/broken.md").write_text("no front matter", encoding="utf-8")
    app = create_app({"INSTANCE_DIR": str(tmp_path / "inst"), "CONTENT_DIR": str(content_dir)})
    response = app.test_client().get("/en/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    (content_dir / "en/rights/broken.md").unlink()  # fixed: the next request builds and serves
    assert app.test_client().get("/en/").status_code == 200


def test_debug_mode_picks_up_edits_without_restart(tmp_path, content_dir):
    app = create_app(
        {"INSTANCE_DIR": str(tmp_path / "inst"), "CONTENT_DIR": str(content_dir), "DEBUG": True}
    )
    app.debug = True
    client = app.test_client()
    assert b"Wages and rest days" in client.get("/en/rights/wages").data
    page = content_dir / "en/rights/wages.md"
    page.write_text(
        page.read_text().replace("Wages and rest days", "Pay and rest"), encoding="utf-8"
    )
    assert b"Pay and rest" in client.get("/en/rights/wages").data


def test_requests_leave_no_lock_on_the_index(client, app):
    # Reader connections stay open between requests; an editor's in-place update needs the
    # file's EXCLUSIVE lock at once, so no finished request may still hold a read.
    for url in ("/en/", "/en/rights/", "/ar/rights/passport", "/en/search?q=passport", "/s/zz"):
        client.get(url)
    other = sqlite3.connect(app.config["INDEX_PATH"], timeout=0, isolation_level=None)
    other.execute("begin exclusive")
    other.execute("rollback")


@pytest.mark.parametrize("full_build", [False, True], ids=["in-place", "swapped"])
def test_kept_reader_connections_see_every_kind_of_update(client, app, content_dir, full_build):
    assert "Wages and rest days" in client.get("/en/rights/wages").get_data(as_text=True)
    page = content_dir / "en/rights/wages.md"
    page.write_text(page.read_text().replace("Wages and rest days", "Pay and rest"), "utf-8")
    path = Path(app.config["INDEX_PATH"])
    inode = path.stat().st_ino
    if full_build:
        index.build(content_dir, path)
    else:
        index.ensure_fresh(content_dir, path, ["en/rights/wages.md"])
    assert (path.stat().st_ino != inode) is full_build
    html = client.get("/en/rights/wages").get_data(as_text=True)
    assert "Pay and rest" in html and "Wages and rest days" not in html


def test_languages_and_topic_lists_follow_a_rebuild(client, app, content_dir):
    assert 'href="/fr/"' not in client.get("/languages").get_data(as_text=True)
    french = content_dir / "fr/rights"
    french.mkdir(parents=True)
    translation = (content_dir / "ar/rights/_index.md").read_text(encoding="utf-8")
    (french / "_index.md").write_text(translation, encoding="utf-8")
    index.build(content_dir, Path(app.config["INDEX_PATH"]))
    assert client.get("/fr/rights/").status_code == 200
    assert 'href="/fr/"' in client.get("/languages").get_data(as_text=True)

"""Incremental index updates: in place, one transaction, same result as a full build."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from migrant_info.content import filestate, incremental, index, store
from migrant_info.content.search import parse_query

HOLIDAYS = """---
title: Paid holidays
summary: Every worker has paid annual leave.
reviewed: 2026-11-01
sources:
  - title: ILO Holidays with Pay Convention
    url: https://www.ilo.org/c132
---
You have a right to paid annual leave, at least three weeks each year.
"""


def built(content_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "index.db"
    assert index.ensure_fresh(content_dir, path) is True  # no index yet: full build
    return path


def edit(page: Path, old: str, new: str) -> None:
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new), encoding="utf-8")


def hits(path: Path, lang: str, words: str) -> list[tuple[str, str, str]]:
    with index.connect(path) as conn:
        return [
            (r.lang, r.topic, r.slug) for r in store.search(conn, lang, parse_query(words, lang))
        ]


def rows(path: Path) -> list[dict]:
    conn = index.connect(path)
    found = [dict(r) for r in conn.execute("select * from pages order by path")]
    conn.close()
    for row in found:
        del row["id"]  # added pages get the next id, a full build numbers in path order
    return found


def snapshot(path: Path) -> tuple:
    conn = index.connect(path)
    files = conn.execute("select * from files order by path").fetchall()
    meta = conn.execute("select * from meta order by key").fetchall()
    counts = [conn.execute(f"select count(*) from {t}").fetchone()[0] for t in index.FTS_TABLES]  # noqa: S608
    conn.close()
    return rows(path), [tuple(r) for r in files], [tuple(r) for r in meta], counts


QUERIES = [("en", "passport"), ("en", "wages month"), ("en", "annual leave"), ("ar", "جواز"),
           ("ne", "राहदानी"), ("ne", "passport"), ("bn", "passport"), ("my", "passport")]  # fmt: skip


def assert_same_as_full_build(content_dir: Path, path: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    index.build(content_dir, fresh)
    assert rows(path) == rows(fresh)
    assert index.index_checksum(path) == index.index_checksum(fresh)
    for lang, words in QUERIES:
        assert hits(path, lang, words) == hits(fresh, lang, words), (lang, words)
    fts = [f"select count(*) from {t}" for t in index.FTS_TABLES]  # noqa: S608
    for sql in fts:
        assert (
            index.connect(path).execute(sql).fetchone()
            == index.connect(fresh).execute(sql).fetchone()
        )
    fresh.unlink()


def test_walk_selects_exactly_the_files_a_build_reads(content_dir):
    (content_dir / "en/rights/.draft.md").write_text("hidden", encoding="utf-8")
    (content_dir / "README.md").write_text("not a page", encoding="utf-8")
    expected = {p.relative_to(content_dir).as_posix() for p in index.tracked_files(content_dir)}
    assert {rel for rel, _ in filestate.walk(content_dir)} == expected


def test_changed_page_is_updated_in_place_and_searchable_by_its_new_words(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    inode = os.stat(path).st_ino
    assert hits(path, "en", "weekly") == [("en", "rights", "wages")]
    edit(content_dir / "en/rights/wages.md", "a weekly rest day", "a fortnightly holiday")
    assert index.ensure_fresh(content_dir, path) is True
    assert os.stat(path).st_ino == inode  # not swapped: updated in place
    assert hits(path, "en", "fortnightly") == [("en", "rights", "wages")]
    assert hits(path, "en", "weekly") == []
    assert index.index_checksum(path) == index.tree_checksum(content_dir)
    assert index.ensure_fresh(content_dir, path) is False
    assert_same_as_full_build(content_dir, path, tmp_path)


def test_added_page_and_removed_translation(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    inode = os.stat(path).st_ino
    (content_dir / "en/rights/holidays.md").write_text(HOLIDAYS, encoding="utf-8")
    (content_dir / "bn/rights/passport.md").unlink()
    assert index.ensure_fresh(content_dir, path) is True
    assert os.stat(path).st_ino == inode
    assert hits(path, "en", "annual leave") == [("en", "rights", "holidays")]
    paths = {r["path"] for r in rows(path)}
    assert "en/rights/holidays.md" in paths and "bn/rights/passport.md" not in paths
    assert hits(path, "bn", "passport")[0][0] == "en"  # the reader now falls back to English
    assert_same_as_full_build(content_dir, path, tmp_path)


def test_source_change_makes_its_translations_outdated(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    status = "select status from pages where path = 'ar/rights/passport.md'"
    assert index.connect(path).execute(status).fetchone()[0] == "current"
    page = content_dir / "en/rights/passport.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    inode = os.stat(path).st_ino
    assert index.ensure_fresh(content_dir, path) is True
    assert os.stat(path).st_ino == inode
    assert index.connect(path).execute(status).fetchone()[0] == "outdated"
    assert_same_as_full_build(content_dir, path, tmp_path)


def test_source_facts_reach_unchanged_translations(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    page = content_dir / "en/rights/passport.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("reviewed: 20", "countries: [QA]\nreviewed: 20", 1), "utf-8")
    assert index.ensure_fresh(content_dir, path) is True
    query = "select countries, status from pages where path = 'ar/rights/passport.md'"
    assert tuple(index.connect(path).execute(query).fetchone()) == ('["QA"]', "current")
    assert_same_as_full_build(content_dir, path, tmp_path)


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("en/rights/wages.md", "---\ntitle: [\n---\nBroken.\n"),  # bad front matter
        (
            "hi/rights/holidays.md",
            "---\ntitle: x\nsummary: y\nsource_hash: '0123456789abcdef'\n"
            "translated_by: human\n---\nNo English source.\n",
        ),  # fmt: skip
    ],
)
def test_error_in_a_changed_file_leaves_the_index_exactly_as_it_was(
    content_dir, tmp_path, rel, text
):
    path = built(content_dir, tmp_path)
    index.ensure_fresh(content_dir, path)  # settle racy rows, so only the error changes things
    before, data = snapshot(path), path.read_bytes()
    (content_dir / "en/rights/passport.md").write_text(
        (content_dir / "en/rights/passport.md").read_text(encoding="utf-8") + "\nMore.\n", "utf-8"
    )
    (content_dir / rel).write_text(text, encoding="utf-8")
    with pytest.raises(index.BuildFailed) as failed:
        index.ensure_fresh(content_dir, path)
    assert [e.path for e in failed.value.errors] == [rel]
    assert snapshot(path) == before and path.read_bytes() == data
    assert hits(path, "en", "more") == []


def test_mtime_only_touch_rebuilds_nothing_and_then_reads_nothing(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    inode, checksum = os.stat(path).st_ino, index.index_checksum(path)
    tracked = [rel for rel, _ in filestate.walk(content_dir)]
    for rel in tracked:  # what a git checkout or a copy does: new stats, same bytes
        stat = (content_dir / rel).stat()
        os.utime(content_dir / rel, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**10))
    time.sleep(filestate.RACY_NS / 1e9 + 0.1)  # let the new stats become trustworthy
    first = filestate.scan(content_dir, index.recorded_state(path)[0])
    assert sorted(first.hashed) == sorted(tracked)  # content decides: every touched file read
    assert index.ensure_fresh(content_dir, path) is False
    assert (os.stat(path).st_ino, index.index_checksum(path)) == (inode, checksum)
    assert filestate.scan(content_dir, index.recorded_state(path)[0]).hashed == []
    assert index.ensure_fresh(content_dir, path) is False


def test_same_size_same_mtime_edit_is_still_seen(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    time.sleep(filestate.RACY_NS / 1e9 + 0.1)
    assert index.ensure_fresh(content_dir, path) is False  # records trustworthy stats
    page = content_dir / "en/rights/wages.md"
    stat = page.stat()
    edit(page, "every month", "every week!")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ctime still moves
    assert index.ensure_fresh(content_dir, path) is True
    assert hits(path, "en", "week") == [("en", "rights", "wages")]


def test_data_file_change_falls_back_to_the_full_build(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    inode = os.stat(path).st_ino
    data = content_dir / "data/helplines.yaml"
    data.write_text(data.read_text(encoding="utf-8") + "\n# reviewed again\n", encoding="utf-8")
    assert index.ensure_fresh(content_dir, path) is True
    assert os.stat(path).st_ino != inode  # a new file was swapped in
    assert index.index_checksum(path) == index.tree_checksum(content_dir)


def test_removed_source_falls_back_to_the_full_build(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    (content_dir / "en/rights/passport.md").unlink()
    with pytest.raises(index.BuildFailed):  # its translations are orphans now
        index.ensure_fresh(content_dir, path)
    for lang in ("ar", "bn", "hi", "my", "ne"):
        (content_dir / lang / "rights/passport.md").unlink()
    inode = os.stat(path).st_ino
    assert index.ensure_fresh(content_dir, path) is True
    assert os.stat(path).st_ino != inode
    assert_same_as_full_build(content_dir, path, tmp_path)


def test_reader_in_a_transaction_keeps_its_view_and_the_commit_waits(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    title = "select title from pages where path = 'en/rights/wages.md'"
    reader = index.connect(path)  # opened before the update
    reader.execute("begin")
    assert reader.execute(title).fetchone()[0] == "Wages and rest days"
    edit(content_dir / "en/rights/wages.md", "Wages and rest days", "Remuneration and rest")
    result: dict = {}
    writer = threading.Thread(
        target=lambda: result.update(ran=index.ensure_fresh(content_dir, path))
    )
    writer.start()
    time.sleep(0.5)
    assert writer.is_alive()  # COMMIT waits for the reader's snapshot to end
    assert reader.execute(title).fetchone()[0] == "Wages and rest days"
    assert (
        reader.execute(
            "select count(*) from fts_words where fts_words match 'remuneration'"
        ).fetchone()[0]
        == 0
    )
    reader.execute("commit")
    writer.join(10)
    assert result == {"ran": True}
    assert reader.execute(title).fetchone()[0] == "Remuneration and rest"  # same file, now updated


def test_readers_never_see_locked_or_half_updated_index(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    page = content_dir / "en/rights/wages.md"
    stop, problems, reads = threading.Event(), [], [0]
    pages, inode = len(rows(path)), os.stat(path).st_ino

    def read() -> None:
        conn = index.connect(path)
        while not stop.is_set():
            try:
                count = conn.execute("select count(*) from pages").fetchone()[0]
                found = hits(path, "en", "wages")
                if count != pages or not found:
                    problems.append((count, found))
                reads[0] += 1
            except sqlite3.Error as exc:
                problems.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    for number in range(15):
        page.write_text(page.read_text(encoding="utf-8") + f"\nEdit {number}.\n", "utf-8")
        assert index.ensure_fresh(content_dir, path) is True
    stop.set()
    for thread in readers:
        thread.join()
    assert problems == [] and reads[0] > 0
    assert os.stat(path).st_ino == inode  # every update was applied in place


CRASH = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("pragma cache_size = 2")  # spill: the index file itself is half written
conn.execute("begin immediate")
conn.execute("update pages set html = 'half', text = 'half'")
os._exit(0)  # killed mid-transaction, as SIGKILL would
"""


def test_writer_killed_mid_transaction_is_rolled_back_by_the_next_check(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    subprocess.run([sys.executable, "-c", CRASH, str(path)], check=True)
    assert path.with_name("index.db-journal").exists()
    with pytest.raises(sqlite3.OperationalError):  # read-only openers cannot roll back
        index.connect(path).execute("select count(*) from pages").fetchone()
    incremental.recover(path)  # ensure_fresh does this first, under the build lock
    half = "select count(*) from pages where html = 'half'"
    assert index.connect(path).execute(half).fetchone()[0] == 0
    path.with_name("index.db-journal").touch()  # an empty journal is not hot: harmless
    assert index.ensure_fresh(content_dir, path) is False


def test_editor_hint_looks_only_at_the_saved_file(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    inode = os.stat(path).st_ino
    edit(content_dir / "en/rights/wages.md", "a weekly rest day", "a fortnightly holiday")
    (content_dir / "en/rights/holidays.md").write_text(HOLIDAYS, encoding="utf-8")  # not saved
    assert index.ensure_fresh(content_dir, path, ["en/rights/wages.md", "../x.md"]) is True
    assert os.stat(path).st_ino == inode
    assert hits(path, "en", "fortnightly") == [("en", "rights", "wages")]
    assert hits(path, "en", "annual leave") == []  # the editor did not write it
    assert index.ensure_fresh(content_dir, path, ["en/rights/wages.md"]) is False
    assert index.ensure_fresh(content_dir, path) is True  # a full check sees everything
    assert hits(path, "en", "annual leave") == [("en", "rights", "holidays")]
    (content_dir / "bn/rights/passport.md").unlink()
    assert index.ensure_fresh(content_dir, path, ["bn/rights/passport.md"]) is True
    assert os.stat(path).st_ino == inode
    assert_same_as_full_build(content_dir, path, tmp_path)


def test_is_tracked_matches_walk(content_dir):
    assert all(filestate.is_tracked(rel) for rel, _ in filestate.walk(content_dir))
    for rel in ["../en/x.md", "en/.x.md", "data/x.md", "data/a/b.yaml", "x.md", "en//x.md"]:
        assert not filestate.is_tracked(rel), rel


def test_reader_holding_the_commit_off_too_long_gets_a_full_build_instead(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    inode = os.stat(path).st_ino
    title = "select title from pages where path = 'en/rights/wages.md'"
    reader = index.connect(path)
    reader.execute("begin")
    assert reader.execute(title).fetchone()[0] == "Wages and rest days"
    edit(content_dir / "en/rights/wages.md", "Wages and rest days", "Remuneration and rest")
    started = time.monotonic()
    assert index.ensure_fresh(content_dir, path) is True  # gave up after WRITE_BUSY_TIMEOUT
    assert time.monotonic() - started >= incremental.WRITE_BUSY_TIMEOUT
    assert os.stat(path).st_ino != inode  # swapped in, as before this change
    assert reader.execute(title).fetchone()[0] == "Wages and rest days"  # its own snapshot
    reader.execute("commit")
    assert index.connect(path).execute(title).fetchone()[0] == "Remuneration and rest"


def test_readers_of_a_running_server_recover_from_a_killed_writer(app, client):
    client.get("/en/")  # builds the index; this thread now keeps a read-only connection
    path = Path(app.config["INDEX_PATH"])
    subprocess.run([sys.executable, "-c", CRASH, str(path)], check=True)
    assert path.with_name(f"{path.name}-journal").exists()
    page = client.get("/en/rights/wages")
    assert page.status_code == 200 and "rest day" in page.get_data(as_text=True)
    assert client.get("/en/search?q=wages").status_code == 200

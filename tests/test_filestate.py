"""The stat check: one walk, changes found by stat, a checksum that moves with the changes."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from migrant_info.content import filestate, index


def built(content_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "index.db"
    index.ensure_fresh(content_dir, path)
    time.sleep(filestate.RACY_NS / 1e9 + 0.1)  # stats of just-written files are trusted now
    index.ensure_fresh(content_dir, path)
    return path


def test_scan_reports_new_changed_and_removed_files(content_dir, tmp_path):
    recorded = index.recorded_state(built(content_dir, tmp_path))[0]
    assert filestate.scan(content_dir, recorded).changed == {}
    (content_dir / "en/rights/wages.md").write_text("changed", encoding="utf-8")
    (content_dir / "en/rights/new-page.md").write_text("new", encoding="utf-8")
    (content_dir / "ar/rights/passport.md").unlink()
    scan = filestate.scan(content_dir, recorded)
    assert sorted(scan.changed) == ["en/rights/new-page.md", "en/rights/wages.md"]
    assert scan.removed == {"ar/rights/passport.md"}
    assert not scan.same_bytes
    assert set(scan.files) == {rel for rel, _ in filestate.walk(content_dir)}
    hinted = filestate.scan(content_dir, recorded, ["ar/rights/passport.md", "en/rights/wages.md"])
    assert (list(hinted.changed), hinted.removed) == (["en/rights/wages.md"], scan.removed)


def test_a_touch_reads_the_file_but_keeps_its_bytes(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    (content_dir / "en/rights/wages.md").touch()
    scan = filestate.scan(content_dir, index.recorded_state(path)[0])
    assert list(scan.changed) == ["en/rights/wages.md"] and scan.same_bytes
    checksum = index.index_checksum(path)
    assert index.ensure_fresh(content_dir, path) is False
    assert index.index_checksum(path) == checksum


def test_checksum_after_in_place_updates_is_the_full_builds(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    page = content_dir / "ne/rights/passport.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nथप।\n", encoding="utf-8")
    (content_dir / "ar/rights/passport.md").unlink()
    assert index.ensure_fresh(content_dir, path) is True
    fresh = tmp_path / "fresh.db"
    index.build(content_dir, fresh)
    assert index.index_checksum(path) == index.index_checksum(fresh)
    assert index.index_checksum(path) == index.tree_checksum(content_dir)
    files, _, files_total = index.recorded_state(path)
    assert files_total == filestate.total(files)


def test_a_stored_total_is_trusted_only_beside_its_token(content_dir, tmp_path):
    path = built(content_dir, tmp_path)
    files, _, files_total = index.recorded_state(path)
    # Another writer (e.g. an older release) rewrites a row and the token, not the total.
    with sqlite3.connect(path) as conn:
        conn.execute("update files set sha256 = 'x' where path = 'en/rights/wages.md'")
        conn.execute("update meta set value = 'someone-else' where key = 'files_token'")
    files, _, files_total = index.recorded_state(path)
    assert files["en/rights/wages.md"].sha256 == "x"
    assert files_total == filestate.total(files)
    with sqlite3.connect(path) as conn:
        stored = conn.execute("select value from meta where key = 'files_total'").fetchone()[0]
    assert not stored.startswith("someone-else:")


def test_the_walk_skips_hidden_files_and_symlinked_folders(content_dir, tmp_path):
    (content_dir / "en/rights/.draft.md").write_text("x", encoding="utf-8")
    (content_dir / "data/.backup.yaml").write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "page.md").write_text("x", encoding="utf-8")
    os.symlink(outside, content_dir / "en/rights/linked")
    walked = {rel for rel, _ in filestate.walk(content_dir)}
    assert walked == {
        p.relative_to(content_dir).as_posix() for p in index.tracked_files(content_dir)
    }
    assert not any(".draft" in rel or ".backup" in rel or "linked" in rel for rel in walked)

"""Streaming full builds and checks: same index and errors as before, never all pages at once."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

import pytest

from migrant_info.content import checks, index
from migrant_info.content.discover import discover
from migrant_info.content.model import Page, content_hash

EXTRA = 40  # source pages added to the fixture, each with a Nepali translation


def grow(content_dir: Path, pages: int = EXTRA) -> None:
    """Add `pages` English pages and their Nepali translations (every third one outdated)."""
    for number in range(pages):
        title, summary, body = f"Page {number}", "A page.", f"## Part {number}\n\nText {number}.\n"
        source = content_dir / "en/rights" / f"extra-{number:03d}.md"
        source.write_text(
            f"---\ntitle: {title}\nsummary: {summary}\nreviewed: 2026-01-15\nsources:\n"
            f"  - title: ILO\n    url: https://www.ilo.org/\n---\n{body}",
            encoding="utf-8",
        )
        stamp = "0123456789abcdef" if number % 3 == 0 else content_hash(title, summary, body)
        link = f"[next](extra-{number + 1:03d}#part-{number + 1})" if number + 1 < pages else ""
        (content_dir / "ne/rights" / f"extra-{number:03d}.md").write_text(
            f"---\ntitle: पृष्ठ {number}\nsummary: पृष्ठ।\nsource_hash: '{stamp}'\n"
            f"translated_by: machine\n---\n## Part {number}\n\n{link}\n",
            encoding="utf-8",
        )


def live_pages() -> int:
    return sum(isinstance(o, Page) for o in gc.get_objects())


def table(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("select * from pages order by id").fetchall()


def test_a_build_never_holds_more_than_a_batch_of_pages(content_dir, tmp_path):
    grow(content_dir)
    gc.collect()
    before, seen = live_pages(), []
    count = index.build(
        content_dir,
        tmp_path / "index.db",
        progress=lambda page: seen.append(live_pages() - before),
        batch=5,
    )
    assert count == len(seen) > 20 * 5
    assert max(seen) <= 5 + 2  # the batch, plus the last page of the one before


def test_a_check_holds_one_page_at_a_time(content_dir):
    grow(content_dir)
    gc.collect()
    before, seen = live_pages(), []
    facts, errors = checks.check_site(
        content_dir, progress=lambda page: seen.append(live_pages() - before)
    )
    assert errors == [] and len(seen) == facts.pages > 80
    assert max(seen) <= 2


@pytest.mark.parametrize("batch", [1, 7])
def test_batched_build_writes_the_same_index_as_one_batch(content_dir, tmp_path, batch):
    grow(content_dir)
    index.build(content_dir, tmp_path / "one.db", batch=10_000)
    index.build(content_dir, tmp_path / "small.db", batch=batch)
    assert table(tmp_path / "small.db") == table(tmp_path / "one.db")


def test_rows_are_numbered_in_path_order_and_statuses_follow_sources(content_dir, tmp_path):
    grow(content_dir)
    path = tmp_path / "index.db"
    index.build(content_dir, path, batch=3)
    pages, _ = discover(content_dir)
    rows = table(path)
    assert [r[0] for r in rows] == list(range(1, len(pages) + 1))
    with sqlite3.connect(path) as conn:
        status = dict(conn.execute("select path, status from pages"))
        assert [r[0] for r in conn.execute("select path from pages order by id")] == [
            p.path for p in pages
        ]
    assert status["ne/rights/extra-000.md"] == "outdated"
    assert status["ne/rights/extra-001.md"] == "current"
    assert status["en/rights/extra-001.md"] == "source"


def test_streamed_build_reports_the_errors_discover_reports(content_dir, tmp_path):
    grow(content_dir)
    (content_dir / "en/rights/extra-005.md").write_text("no front matter", encoding="utf-8")
    (content_dir / "ar/rights/broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (content_dir / "ne/rights/orphan.md").write_text(
        "---\ntitle: t\nsummary: s\nsource_hash: '0123456789abcdef'\ntranslated_by: machine\n"
        "---\nx\n",
        encoding="utf-8",
    )
    _pages, expected = discover(content_dir)
    with pytest.raises(index.BuildFailed) as failed:
        index.build(content_dir, tmp_path / "index.db", batch=4)
    assert [str(e) for e in failed.value.errors] == [str(e) for e in expected]
    paths = [e.path for e in expected]
    assert paths[:2] == ["ar/rights/broken.md", "en/rights/extra-005.md"]  # parse errors
    assert set(paths[2:]) == {"ne/rights/extra-005.md", "ne/rights/orphan.md"}  # no source
    assert not (tmp_path / "index.db").exists()


def test_streamed_check_finds_broken_links_and_anchors_like_the_page_list(content_dir):
    grow(content_dir)
    extra = content_dir / "ne/rights/extra-010.md"
    extra.write_text(extra.read_text() + "\n[a](extra-999) [b](#nowhere)\n", encoding="utf-8")
    source = content_dir / "en/rights/extra-020.md"
    source.write_text(source.read_text() + "\n[c](extra-021#part-99)\n", encoding="utf-8")
    pages, _ = discover(content_dir)
    checks.render_all(pages)
    expected = [str(e) for e in checks.check_links(pages)]
    facts, errors = checks.check_site(content_dir)
    assert errors == []
    assert [str(e) for e in facts.link_errors()] == expected
    assert expected == [
        "en/rights/extra-020.md: link 'extra-021#part-99': no heading '#part-99'",
        "ne/rights/extra-010.md: link 'extra-999' goes to no page",
        "ne/rights/extra-010.md: link '#nowhere': no heading '#nowhere'",
    ]
    assert facts.coverage() == checks.coverage(pages)


def test_renders_are_reused_only_from_an_index_of_the_same_build_version(content_dir, tmp_path):
    path = tmp_path / "index.db"
    index.build(content_dir, path)
    with sqlite3.connect(path) as conn:
        conn.execute("update pages set html = '<p>kept</p>' where path = 'en/rights/wages.md'")
    index.build(content_dir, path)
    assert "<p>kept</p>" in dict(table_html(path))["en/rights/wages.md"]
    with sqlite3.connect(path) as conn:
        conn.execute("update pages set html = '<p>kept</p>' where path = 'en/rights/wages.md'")
        conn.execute("update meta set value = 'older' where key = 'build_version'")
    index.build(content_dir, path)
    assert "<p>kept</p>" not in dict(table_html(path))["en/rights/wages.md"]


def table_html(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("select path, html from pages").fetchall()

"""`content watch`: real file writes reach the index through the editor's hint path."""

from __future__ import annotations

import queue
import shutil
import threading
from pathlib import Path

import pytest

from migrant_info.content import index
from migrant_info.content.watch import watch

WAIT = 15.0  # seconds; events usually arrive in milliseconds


@pytest.fixture
def watching(content_dir, tmp_path):
    """A watcher thread over the fixture content; yields (index path, its reports)."""
    path, reports, stop = tmp_path / "index.db", queue.Queue(), threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(content_dir, path),
        kwargs={
            "on_update": lambda paths, rebuilt: reports.put(("update", paths, rebuilt)),
            "on_error": lambda failed: reports.put(("error", [e.path for e in failed.errors])),
            "stop": stop,
            "settle": 0.05,
        },
        daemon=True,
    )
    thread.start()
    assert reports.get(timeout=WAIT) == ("update", None, True)  # the first check builds
    yield path, reports
    stop.set()
    thread.join(timeout=WAIT)
    assert not thread.is_alive()


def title(path: Path, rel: str) -> str | None:
    with index.connect(path) as conn:
        row = conn.execute("select title from pages where path = ?", (rel,)).fetchone()
    return row[0] if row else None


def test_an_edit_is_applied_as_a_hint(watching, content_dir):
    path, reports = watching
    page = content_dir / "en/rights/wages.md"
    page.write_text(page.read_text().replace("Wages and rest days", "Pay"), encoding="utf-8")
    assert reports.get(timeout=WAIT) == ("update", ["en/rights/wages.md"], True)
    assert title(path, "en/rights/wages.md") == "Pay"


def test_broken_content_is_reported_and_the_index_keeps_serving(watching, content_dir):
    path, reports = watching
    (content_dir / "en/rights/wages.md").write_text("no front matter", encoding="utf-8")
    assert reports.get(timeout=WAIT) == ("error", ["en/rights/wages.md"])
    assert title(path, "en/rights/wages.md") == "Wages and rest days"


def test_a_removed_translation_and_a_new_folder(watching, content_dir, tmp_path):
    path, reports = watching
    (content_dir / "ne/rights/passport.md").unlink()
    assert reports.get(timeout=WAIT) == ("update", ["ne/rights/passport.md"], True)
    assert title(path, "ne/rights/passport.md") is None
    new = tmp_path / "legal-channels"
    new.mkdir()
    (new / "visas.md").write_text(
        "---\ntitle: भिसा\nsummary: भिसा।\nsource_hash: '0123456789abcdef'\n"
        "translated_by: machine\n---\nभिसा।\n",
        encoding="utf-8",
    )
    shutil.move(new, content_dir / "ne/legal-channels")  # a folder appears at once
    kind, paths, rebuilt = reports.get(timeout=WAIT)
    assert (kind, paths, rebuilt) == ("update", None, True)  # every file checked
    assert title(path, "ne/legal-channels/visas.md") == "भिसा"

"""SIGKILL in the middle of a content build and of editor saves: nothing half-written survives.

(The push fan-out case is in test_push.py: a killed send resumes without sending twice.)
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from migrant_info import create_app, db
from migrant_info.content import index
from migrant_info.content.index import connect, index_checksum

PAGE = """---
title: Synthetic page {n}
summary: A page to make the build take a while.
reviewed: 2026-11-20
sources:
  - title: ILO
    url: https://www.ilo.org/
---
{body}
"""


def _grow(content_dir: Path, pages: int, words: str) -> None:
    folder = content_dir / "en" / "legal-channels"
    for n in range(pages):
        body = "\n\n".join(f"## Part {k}\n\n{words} {n} {k} " * 3 for k in range(8))
        (folder / f"synthetic-{n}.md").write_text(PAGE.format(n=n, body=body))


def _env(instance: Path, content_dir: Path) -> dict:
    return os.environ | {
        "MIGRANT_INFO_INSTANCE_DIR": str(instance),
        "MIGRANT_INFO_CONTENT_DIR": str(content_dir),
    }


def _wait_for(predicate, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert process.poll() is None, "the process ended before the moment to kill it"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_killed_build_leaves_the_last_good_index(tmp_path, content_dir):
    instance = tmp_path / "instance"
    index_path = instance / "content-index.db"
    _grow(content_dir, 400, "first")
    with index.build_lock(instance):
        index.build(content_dir, index_path)
    good = index_checksum(index_path)
    _grow(content_dir, 400, "second")  # every page changed: nothing can be reused
    for _ in range(3):
        build = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "migrant_info", "content", "build"],
            env=_env(instance, content_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(lambda: any(instance.glob(".content-index.db.*.tmp")), build)
        time.sleep(0.05)
        build.send_signal(signal.SIGKILL)
        build.wait()
        assert index_checksum(index_path) == good
        with connect(index_path) as conn:
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    app = create_app({"INSTANCE_DIR": str(instance), "CONTENT_DIR": str(content_dir)})
    client = app.test_client()
    assert client.get("/en/rights/passport").status_code == 200  # serves, then rebuilds
    assert "Part 7" in client.get("/en/legal-channels/synthetic-3").text
    assert not list(instance.glob(".content-index.db.*.tmp"))  # the stale file was removed


SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from migrant_info import db
    from migrant_info.editor import workspace

    content_dir, instance = Path(sys.argv[1]), Path(sys.argv[2])
    conn = db.connect(instance / "migrant_info.db")
    db.migrate(conn)
    loc = workspace.locate("ne", "rights", "passport")
    texts = [Path(sys.argv[3]).read_text(), Path(sys.argv[4]).read_text()]
    n = 0
    while True:
        _, digest = workspace.read(content_dir, loc)
        workspace.save(conn, content_dir, instance, loc, texts[n % 2], digest, "crash-test")
        n += 1
        print(n, flush=True)
    """
)


def test_killed_saves_leave_a_whole_file_and_whole_revisions(tmp_path, content_dir):
    instance = tmp_path / "instance"
    instance.mkdir()
    target = content_dir / "ne/rights/passport.md"
    original = target.read_text()
    head = original.split("---\n")[1]
    versions = []
    for n, word in enumerate(("पहिलो", "दोस्रो")):
        text = f"---\n{head}---\n" + "\n\n".join(f"{word} अनुच्छेद {k}।" * 40 for k in range(300))
        path = tmp_path / f"v{n}.md"
        path.write_text(text)
        versions.append(text)
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    for delay in (0.3, 0.45, 0.6, 0.75):
        saver = subprocess.Popen(
            [sys.executable, str(script), str(content_dir), str(instance),
             str(tmp_path / "v0.md"), str(tmp_path / "v1.md")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _wait_for(lambda s=saver: s.stdout.readline().strip(), saver)  # one save happened
        time.sleep(delay)
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        assert target.read_text() in versions  # never truncated, never a mix
        with sqlite3.connect(instance / db.DB_NAME) as conn:
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
            texts = [row[0] for row in conn.execute("select text from revisions")]
        assert texts and all(text in versions for text in texts)
    # The next save clears whatever temporary file a killed save left behind.
    from migrant_info.editor import workspace

    with sqlite3.connect(instance / db.DB_NAME) as raw:
        raw.isolation_level = None
        loc = workspace.locate("ne", "rights", "passport")
        _, digest = workspace.read(content_dir, loc)
        workspace.save(raw, content_dir, instance, loc, original, digest, "after-crash")
    assert target.read_text() == original
    assert not list(target.parent.glob(".passport.md.*.tmp"))


COUNTER = textwrap.dedent(
    """
    import sys
    from migrant_info import create_app

    app = create_app({"INSTANCE_DIR": sys.argv[1], "CONTENT_DIR": sys.argv[2],
                      "STATS_FLUSH_SECONDS": 0.2, "PAGE_CACHE_ENTRIES": 0})
    client = app.test_client()
    n = 0
    while True:
        client.get("/en/rights/passport")
        n += 1
        print(n, flush=True)
    """
)


def test_killed_process_loses_at_most_the_flush_window_of_counts(tmp_path, content_dir):
    instance = tmp_path / "instance"
    script = tmp_path / "counter.py"
    script.write_text(COUNTER)
    counter = subprocess.Popen(
        [sys.executable, str(script), str(instance), str(content_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    started, done = time.monotonic(), 0
    while time.monotonic() - started < 3:  # views are made, and flushed every 0.2 s
        line = counter.stdout.readline()
        assert line, "the counting process died"
        done = int(line)
    counter.send_signal(signal.SIGKILL)
    counter.wait()
    done += sum(1 for _ in counter.stdout)  # lines printed before the kill landed
    rate = done / (time.monotonic() - started)
    with sqlite3.connect(instance / db.DB_NAME) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        counted = conn.execute(
            "select coalesce(sum(count), 0) from stats_daily where metric = 'view'"
        ).fetchone()[0]
    lost = done - counted
    assert 0 <= lost <= rate * (0.2 + 0.5) + 5, (done, counted, rate)  # one window, plus slack
    assert counted > 0

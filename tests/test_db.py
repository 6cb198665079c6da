"""The state database: migrating a database made by an earlier release, and failed steps."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from migrant_info import db, links

OLD_DUMP = Path(__file__).parent / "fixtures" / "state-0002.sql"


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    """A database file as the release before the editors' area made it, with data in it."""
    path = tmp_path / db.DB_NAME
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_DUMP.read_text())
    return path


def test_old_database_migrates_and_keeps_its_data(old_database):
    conn = db.connect(old_database)
    applied = db.migrate(conn)
    assert applied == [name for name, _ in db.MIGRATIONS[2:]]
    assert conn.execute("select code from short_links").fetchone()[0] == "k7m2q"
    assert conn.execute("select opens from short_link_opens").fetchone()[0] == 12
    assert conn.execute("select lang from subscriptions").fetchone()[0] == "ne"
    assert conn.execute("select count(*) from users").fetchone()[0] == 0  # new tables exist
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.migrate(conn) == []


def test_the_app_migrates_an_old_database_on_first_use(old_database, tmp_path, content_dir):
    from migrant_info import create_app

    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path),
                      "CONTENT_DIR": str(content_dir)})  # fmt: skip
    client = app.test_client()
    assert client.get("/s/k7m2q").headers["Location"] == "/ne/rights/passport"
    assert client.get("/editor/login").status_code == 200  # needs the new tables


def test_a_failing_step_rolls_back_and_records_nothing(old_database, monkeypatch):
    def broken(database) -> None:
        database.execute("create table half_done (x)")
        raise RuntimeError("disk full")

    monkeypatch.setattr(db, "MIGRATIONS", [*db.MIGRATIONS, ("9999_broken", broken)])
    conn = db.connect(old_database)
    with pytest.raises(RuntimeError):
        db.migrate(conn)
    names = [row[0] for row in conn.execute("select name from migrations")]
    assert "9999_broken" not in names and "0003_editors" in names  # earlier steps stay applied
    tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    assert "half_done" not in tables


def test_a_short_link_another_worker_changes_is_seen_here_at_once(client, app):
    client.get("/en/")  # the first request gives every page its code
    with app.test_request_context("/en/"):
        code = links.code_for("en", "rights", "wages")
    assert client.get(f"/s/{code}").status_code == 302  # this thread keeps its connection open
    other = db.connect(db.path_for(app))
    other.execute("update short_links set removed = '2026-11-28' where code = ?", (code,))
    assert client.get(f"/s/{code}").status_code == 410


def test_a_transaction_a_request_leaves_open_is_rolled_back(app):
    with app.test_request_context("/en/"):
        conn = db.get_db()
        conn.execute("begin immediate")
        conn.execute(
            "insert into short_links (code, lang, topic, slug, created) values (?, ?, ?, ?, ?)",
            ("yyyyy", "en", "rights", "wages", "2026-11-28"),
        )
    other = sqlite3.connect(db.path_for(app), timeout=0, isolation_level=None)
    other.execute("begin immediate")  # would be "database is locked" if still held
    assert other.execute("select count(*) from short_links where code = 'yyyyy'").fetchone()[0] == 0
    other.execute("rollback")
    with app.test_request_context("/en/"):
        assert db.get_db() is conn and not conn.in_transaction

"""Shared fixtures, flaskr style: each test gets its own instance folder and content copy."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from migrant_info import create_app

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
SHIPPED_CONTENT = Path(__file__).parent.parent / "content"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the tiny fixture content, safe to edit in a test."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture
def app(tmp_path: Path, content_dir: Path):
    """An app on the fixture content with a temporary instance folder."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "CONTENT_DIR": str(content_dir),
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class LiveServer:
    """The app served over real HTTP on 127.0.0.1 by Werkzeug, for the browser tests."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


PASSWORDS = {
    "ana": "blue-kettle-harbor-93",
    "eddie": "green-lantern-sofa-71",
    "root": "quiet-meadow-piano-58",
}


@pytest.fixture
def accounts(app):
    """Three accounts: ana translates Nepali, eddie edits everything, root administers."""
    from migrant_info import db
    from migrant_info.editor.accounts import add_user

    with app.app_context():
        conn = db.connect(db.path_for(app))
        db.migrate(conn)
        add_user(conn, "ana", "translator", PASSWORDS["ana"], ["ne"])
        add_user(conn, "eddie", "editor", PASSWORDS["eddie"])
        add_user(conn, "root", "admin", PASSWORDS["root"])
        conn.close()
    return PASSWORDS


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on an editor page."""
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(client, name: str, password: str | None = None):
    """Log a test client in through the real form; return the response."""
    token = csrf_token(client.get("/editor/login").text)
    return client.post(
        "/editor/login",
        data={"name": name, "password": password or PASSWORDS[name], "csrf_token": token},
    )


@pytest.fixture
def editor_client(app, accounts):
    """A client logged in as eddie (role editor)."""
    client = app.test_client()
    assert log_in(client, "eddie").status_code == 303
    return client

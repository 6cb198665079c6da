"""Log a test client into the editors' area (shared by the statistics tests)."""

from __future__ import annotations

import re
from contextlib import closing

from migrant_info import db
from migrant_info.editor.accounts import add_user

PASSWORD = "green-lantern-sofa-71"


def log_in(app, client, name: str = "eddie", role: str = "editor", langs: tuple = ()) -> None:
    """Create an account and log the client in through the real login form."""
    with app.app_context(), closing(db.connect(db.path_for(app))) as conn:
        db.migrate(conn)
        add_user(conn, name, role, PASSWORD, list(langs))
    page = client.get("/editor/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post(
        "/editor/login", data={"name": name, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303


def csrf(client, path: str = "/editor/stats") -> str:
    """A CSRF token from an editor page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[
        1
    ]

"""Accounts: password rules, hashing, roles and the `flask users` commands."""

from __future__ import annotations

import sqlite3

import pytest

from migrant_info import db
from migrant_info.editor import accounts
from migrant_info.editor.cli import users_cli


@pytest.fixture
def conn(app):
    connection = db.connect(db.path_for(app))
    db.migrate(connection)
    yield connection
    connection.close()


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short-one", "at least 12"),
        ("password1234", "Try a longer phrase"),
        ("qwertyuiopas", "Try a longer phrase"),
        ("aaaaaaaaaaaaaaaa", "Try a longer phrase"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    assert reason in accounts.password_problem(password, "ana")


@pytest.mark.parametrize("password", ["migrant_info2024", "eddieeddie2024"])
def test_password_made_of_the_name_or_site_is_refused(password):
    assert accounts.password_problem(password, "eddie") is not None


def test_good_password_is_stored_as_a_slow_hash(conn):
    accounts.add_user(conn, "ana", "translator", "blue-kettle-harbor-93", ["ne"])
    stored = conn.execute("select password_hash from users").fetchone()[0]
    assert stored.startswith("scrypt:") and "blue-kettle" not in stored
    assert accounts.verify(conn, "ana", "blue-kettle-harbor-93").langs == ("ne",)
    assert accounts.verify(conn, "ana", "blue-kettle-harbor-94") is None
    assert accounts.verify(conn, "nobody", "blue-kettle-harbor-93") is None


@pytest.mark.parametrize(
    "name, role, langs, message",
    [
        ("ana", "boss", [], "Role must be one of"),
        ("ana", "translator", [], "needs at least one language"),
        ("ana", "translator", ["xx-nope"], "Unknown language code"),
        ("../ana", "editor", [], "Names use"),
    ],
)
def test_bad_account_requests_say_why(conn, name, role, langs, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add_user(conn, name, role, "blue-kettle-harbor-93", langs)


def test_names_are_unique(conn):
    accounts.add_user(conn, "eddie", "editor", "green-lantern-sofa-71")
    with pytest.raises(accounts.AccountError, match="taken"):
        accounts.add_user(conn, "Eddie", "editor", "green-lantern-sofa-72")


def test_translators_edit_only_their_languages(conn):
    ana = accounts.add_user(conn, "ana", "translator", "blue-kettle-harbor-93", ["ne", "bn"])
    eddie = accounts.add_user(conn, "eddie", "editor", "green-lantern-sofa-71")
    assert ana.can_edit("ne") and ana.can_edit("bn") and not ana.can_edit("en")
    assert eddie.can_edit("en") and eddie.can_edit("ar") and not eddie.is_admin


@pytest.mark.parametrize("name", sorted(users_cli.commands))
def test_every_users_command_has_help(runner, name):
    result = runner.invoke(args=["users", name, "--help"])
    assert result.exit_code == 0
    assert users_cli.commands[name].help


def test_users_cli_round_trip(runner, app):
    added = runner.invoke(args=["users", "add", "ana", "--role", "translator", "--lang", "ne,bn",
                                "--generate"])  # fmt: skip
    assert added.exit_code == 0, added.output
    password = added.output.split("privately): ")[1].strip()
    assert len(password) >= 12
    listed = runner.invoke(args=["users", "list"])
    assert "ana" in listed.output and "ne,bn" in listed.output and "active" in listed.output
    assert runner.invoke(args=["users", "disable", "ana"]).exit_code == 0
    assert "disabled" in runner.invoke(args=["users", "list"]).output
    reset = runner.invoke(args=["users", "reset-password", "ana"],
                          input="correct-horse-battery-88\ncorrect-horse-battery-88\n")  # fmt: skip
    assert reset.exit_code == 0, reset.output
    with sqlite3.connect(db.path_for(app)) as conn:
        stored = conn.execute("select password_hash from users").fetchone()[0]
    assert "correct-horse" not in stored


def test_users_cli_refuses_weak_password_and_unknown_account(runner):
    weak = runner.invoke(args=["users", "add", "ana", "--role", "editor"],
                         input="password1234\npassword1234\n")  # fmt: skip
    assert weak.exit_code != 0 and "Try a longer phrase" in weak.output
    missing = runner.invoke(args=["users", "disable", "ghost"])
    assert missing.exit_code != 0 and "No account named 'ghost'" in missing.output


def test_admins_manage_accounts_in_the_browser(app, accounts):
    from tests.conftest import csrf_token, log_in

    root, ana = app.test_client(), app.test_client()
    log_in(root, "root")
    log_in(ana, "ana")
    assert ana.get("/editor/users").status_code == 403
    page = root.get("/editor/users").text
    made = root.post("/editor/users", data={"csrf_token": csrf_token(page), "name": "sita",
                                            "role": "translator", "langs": "bn"})  # fmt: skip
    assert made.status_code == 200 and "Added sita" in made.text
    password = made.text.split("privately): <code>")[1].split("<")[0]
    sita = app.test_client()
    assert log_in(sita, "sita", password).status_code == 303
    bad = root.post("/editor/users", data={"csrf_token": csrf_token(page), "name": "x y",
                                           "role": "editor"})  # fmt: skip
    assert bad.status_code == 422 and "Names use" in bad.text
    root.post("/editor/users/ana/disable", data={"csrf_token": csrf_token(page)})
    assert ana.get("/editor/").status_code == 302  # her session ended
    self_disable = root.post("/editor/users/root/disable", data={"csrf_token": csrf_token(page)})
    assert "cannot disable your own" in root.get(self_disable.headers["Location"]).text
    reset = root.post("/editor/users/sita/reset-password", data={"csrf_token": csrf_token(page)})
    shown = root.get(reset.headers["Location"]).text
    assert "New password for sita" in shown
    assert sita.get("/editor/").status_code == 302  # a reset ends the old sessions

"""Admins manage accounts in the browser too (the same rules as `flask users`)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from .. import db
from . import auth, bp
from .accounts import (
    ROLES,
    AccountError,
    add_user,
    generate_password,
    list_users,
    set_disabled,
    set_password,
)


@bp.route("/users", methods=["GET", "POST"])
@auth.login_required
def users():
    """List accounts; add one with a generated password shown once to the admin."""
    auth.require_role("admin")
    conn = db.get_db()
    error, code, created = None, 200, None
    if request.method == "POST":
        password = generate_password()
        try:
            user = add_user(conn, request.form.get("name", "")[:40], request.form.get("role", ""),
                            password, request.form.get("langs", "")[:200].split(","))  # fmt: skip
        except AccountError as exc:
            error, code = str(exc), 422
        else:
            created = {"name": user.name, "password": password}
    return render_template(
        "editor/users.html", users=list_users(conn), roles=ROLES, error=error, created=created
    ), code


@bp.route("/users/<name>/<action>", methods=["POST"])
@auth.login_required
def user_action(name: str, action: str):
    """Disable, enable or reset the password of one account."""
    auth.require_role("admin")
    conn = db.get_db()
    try:
        if action == "disable":
            if name == g.editor.name:
                raise AccountError("You cannot disable your own account.")
            set_disabled(conn, name, True)
            flash(f"Disabled {name}; their sessions have ended.")
        elif action == "enable":
            set_disabled(conn, name, False)
            flash(f"Enabled {name}.")
        elif action == "reset-password":
            password = generate_password()
            set_password(conn, name, password)
            flash(f"New password for {name} (shown once, pass it on privately): {password}")
        else:
            message = "Use disable, enable or reset-password."
            page = render_template("editor/error.html", title="Unknown action", message=message)
            return page, 404
    except AccountError as exc:
        flash(str(exc))
    return redirect(url_for("editor.users"), code=303)

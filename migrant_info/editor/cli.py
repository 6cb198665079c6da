"""`flask users …`: accounts for editors, translators and admins."""

from __future__ import annotations

from contextlib import closing

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db
from .accounts import (
    ROLES,
    AccountError,
    add_user,
    generate_password,
    list_users,
    set_disabled,
    set_password,
)

users_cli = AppGroup("users", help="Editor accounts (passwords are hashed with scrypt).")


def _connect():
    conn = db.connect(db.path_for(current_app))
    db.migrate(conn)
    return closing(conn)


def _password(generate: bool) -> tuple[str, bool]:
    """A typed password (asked twice), or a generated one to print once."""
    if generate:
        return generate_password(), True
    return click.prompt("Password", hide_input=True, confirmation_prompt=True), False


@users_cli.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option("--lang", "langs", default="", help="Translator languages, e.g. ne,bn.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
def add_command(name: str, role: str, langs: str, generate: bool) -> None:
    """Create an account; the password is asked for, or generated and printed once."""
    password, generated = _password(generate)
    with _connect() as conn:
        try:
            user = add_user(conn, name, role, password, langs.split(","))
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
    langs_note = f": {','.join(user.langs)}" if user.langs else ""
    click.echo(f"Added {user.name} ({user.role}{langs_note}).")
    if generated:
        click.echo(f"Password (shown once, pass it on privately): {password}")


@users_cli.command("list")
def list_command() -> None:
    """Every account with its role, languages and whether it is disabled."""
    with _connect() as conn:
        users = list_users(conn)
    if not users:
        click.echo("No accounts yet: flask --app migrant_info users add NAME --role admin")
    for user in users:
        state = "disabled" if user.disabled else "active"
        click.echo(f"{user.name:<20} {user.role:<11} {','.join(user.langs) or '-':<15} {state}")


@users_cli.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
def disable_command(name: str, enable: bool) -> None:
    """Disable an account (its sessions end at once), or enable it again."""
    with _connect() as conn:
        try:
            set_disabled(conn, name, not enable)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{'Enabled' if enable else 'Disabled'} {name}.")


@users_cli.command("reset-password")
@click.argument("name")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
def reset_command(name: str, generate: bool) -> None:
    """Set a new password; the account's sessions end."""
    password, generated = _password(generate)
    with _connect() as conn:
        try:
            set_password(conn, name, password)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"New password set for {name}.")
    if generated:
        click.echo(f"Password (shown once, pass it on privately): {password}")

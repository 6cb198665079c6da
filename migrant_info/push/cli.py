"""`flask push send|resume|stats`: send a notice now, finish an interrupted send, count."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from .. import db
from .notices import DEFAULT_TTL, URGENCIES, Notice, save, stats
from .sender import Sender, Settings

push_cli = AppGroup("push", help="Send push notices and follow their delivery.")


def sender() -> Sender:
    """A sender configured from the app."""
    app = current_app
    settings = Settings(
        vapid=app.extensions["vapid"],
        subject=app.config["VAPID_SUBJECT"],
        workers=app.config["PUSH_WORKERS"],
    )
    return Sender(db.path_for(app), settings)


def _deliver(notice_id: int) -> None:
    send = sender()
    total = send.remaining(notice_id)
    with click.progressbar(length=total, label=f"Notice {notice_id}", file=sys.stderr) as bar:
        counts = send.run(notice_id, progress=lambda status: bar.update(1))
    summary = (
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nobody to send to"
    )
    click.echo(f"Notice {notice_id}: {summary}.")


@push_cli.command("send")
@click.option("--title", help="Title (English).")
@click.option("--body", help="Text (English).")
@click.option("--url", default=None, help="Page to open, e.g. /en/trafficking/helplines.")
@click.option("--lang", "langs", multiple=True, help="Only readers of this language (repeat).")
@click.option("--topic", "topics", multiple=True, help="Only readers who follow this topic.")
@click.option(
    "--country", "countries", multiple=True, help="Only readers interested in this country."
)
@click.option("--urgency", type=click.Choice(URGENCIES), default="normal", show_default=True)
@click.option(
    "--ttl", type=int, default=DEFAULT_TTL, show_default=True, help="Seconds to keep trying."
)
@click.option(
    "--topic-key", default=None, help="A newer notice with this key replaces an undelivered one."
)
@click.option(
    "--from-file",
    type=click.Path(exists=True, path_type=Path),
    help="YAML with texts per language.",
)
def send_command(
    title, body, url, langs, topics, countries, urgency, ttl, topic_key, from_file
) -> None:
    """Create a notice, show it on the notices pages and push it to matching subscribers."""
    texts = {}
    if from_file:
        data = yaml.safe_load(from_file.read_text(encoding="utf-8")) or {}
        texts = data.get("texts", {})
        url = url or data.get("url")
    if title or body:
        texts["en"] = {"title": title or "", "body": body or ""}
    notice = Notice(
        texts=texts, url=url or "/en/notices", langs=list(langs), topics=list(topics),
        countries=list(countries), urgency=urgency, ttl=ttl, topic_key=topic_key,
    )  # fmt: skip
    try:
        notice_id = save(db.get_db(), notice)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    _deliver(notice_id)


@push_cli.command("resume")
def resume_command() -> None:
    """Finish sends that were interrupted; never repeats a delivery already recorded."""
    notices = sender().unfinished()
    if not notices:
        click.echo("Nothing to resume.")
    for notice_id in notices:
        _deliver(notice_id)


@push_cli.command("stats")
def stats_command() -> None:
    """Delivery counts per notice: sent, gone, failed, pending."""
    rows = stats(db.get_db())
    click.echo(f"{'notice':>6} {'sent':>7} {'gone':>7} {'failed':>7} {'pending':>8}")
    for row in rows:
        waiting = row.get("pending", 0) + row.get("sending", 0)
        click.echo(
            f"{row['notice']:>6} {row.get('sent', 0):>7} {row.get('gone', 0):>7} "
            f"{row.get('failed', 0):>7} {waiting:>8}"
        )

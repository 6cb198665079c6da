"""`flask stats`: the open-data export and the monthly roll-up, from the command line."""

from __future__ import annotations

import json
from contextlib import closing

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db
from . import export, store

stats_cli = AppGroup("stats", help="Readership statistics: export, roll-up.")


@stats_cli.command("export")
@click.option("--from", "start", help="First day, YYYY-MM-DD (default: a year before --to).")
@click.option("--to", "end", help="Last day, YYYY-MM-DD (default and latest: yesterday).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--period", type=click.Choice(["day", "month", "all"]), default="month")
@click.option("--metric", type=click.Choice(store.METRICS), multiple=True,
              help="Repeat for several; default: every metric.")  # fmt: skip
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def export_command(start, end, fmt, period, metric, output) -> None:
    """Write the published tables (small counts suppressed) as CSV or JSON."""
    k = current_app.config["STATS_K"]
    try:
        start, end = export.date_range(start, end)
    except export.BadRequest as error:
        raise click.BadParameter(str(error)) from None
    current_app.extensions["stats"].flush()
    with closing(db.connect(db.path_for(current_app))) as conn:
        db.migrate(conn)
        tables = {m: export.table(conn, m, start, end, period, k) for m in metric or store.METRICS}
    if fmt == "csv":
        rows = [row for rows in tables.values() for row in rows]
        output.write(export.to_csv(rows))
    else:
        data = {"from": start, "to": end, "period": period, "k": k, "metrics": tables}
        output.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


@stats_cli.command("rollup")
def rollup_command() -> None:
    """Move daily rows older than STATS_RETENTION_DAYS into monthly rows now."""
    with closing(db.connect(db.path_for(current_app))) as conn:
        db.migrate(conn)
        moved = store.rollup(conn, current_app.config["STATS_RETENTION_DAYS"])
    click.echo(f"Rolled {moved} daily rows into months.")

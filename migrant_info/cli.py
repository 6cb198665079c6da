"""Command line: `flask --app migrant_info content build|check|status|stamp|watch`, export, lan."""

from __future__ import annotations

import contextlib
import shutil
import socket
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import routefinder
from .content import checks, helplines, index, notify_listeners, selfcheck
from .content.discover import stamp_translation
from .content.model import ContentError
from .content.pagestream import PageStream
from .editor.status import STATES, content_languages, entries_from_pages, filtered, matrix
from .locales import SOURCE_LANG

content_cli = AppGroup("content", help="Build and check the content index.")


@content_cli.command("build")
def build_command() -> None:
    """Rebuild the content index from content/ and swap it in atomically."""
    content_dir = Path(current_app.config["CONTENT_DIR"])
    index_path = Path(current_app.config["INDEX_PATH"])
    bar: dict = {}

    def started(count: int) -> None:
        bar["bar"] = click.progressbar(length=count, label="Rendering pages", file=sys.stderr)
        bar["bar"].__enter__()

    try:
        with index.build_lock(index_path.parent):
            count = index.build(
                content_dir,
                index_path,
                progress=lambda page: bar["bar"].update(1),
                on_discovered=started,
            )
    except index.BuildFailed as failed:
        for error in failed.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(
            f"{len(failed.errors)} error(s); the previous index is still being served"
        ) from None
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    notify_listeners(current_app)
    click.echo(f"Built the content index: {count} pages.")


@content_cli.command("watch")
def watch_command() -> None:
    """Apply content files to the index as they change (for edits made outside the editor)."""
    from .content import watch

    content_dir = Path(current_app.config["CONTENT_DIR"])
    index_path = Path(current_app.config["INDEX_PATH"])
    app = current_app._get_current_object()

    def updated(paths: list[str] | None, rebuilt: bool) -> None:
        if rebuilt:
            notify_listeners(app)
            click.echo(f"updated the index: {', '.join(paths) if paths else 'full check'}")

    def failed(error: index.BuildFailed) -> None:
        for item in error.errors:
            click.echo(f"error: {item}", err=True)
        click.echo("the previous index is still being served", err=True)

    click.echo(f"watching {content_dir} (Ctrl-C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        watch.watch(content_dir, index_path, updated, failed)


@content_cli.command("check")
@click.option("--coverage", "show_coverage", is_flag=True, help="Also print pages per language.")
def check_command(show_coverage: bool) -> None:
    """Validate every content file, the helplines data and internal links; exit 1 on any error."""
    content_dir = Path(current_app.config["CONTENT_DIR"])
    facts, errors = checks.check_site(content_dir)  # pages stream past; compact facts stay
    lines, _directory, data_errors = helplines.load(content_dir)
    data_errors += selfcheck.load(content_dir)[1] + routefinder.load(content_dir)[1]
    errors += data_errors + facts.link_errors()
    errors += facts.version_errors(content_dir)
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if show_coverage:
        click.echo(f"{'language':<10}{'current':>9}{'outdated':>10}{'missing':>9}")
        for row in facts.coverage():
            click.echo(
                f"{row['lang']:<10}{row.get('current', 0):>9}"
                f"{row.get('outdated', 0):>10}{row.get('missing', 0):>9}"
            )
    if errors:
        raise click.ClickException(f"{len(errors)} error(s)")
    click.echo(f"{facts.pages} pages and {len(lines)} helplines, no errors.")


@content_cli.command("status")
@click.option("--lang", "langs", multiple=True, help="Only these languages (repeat the option).")
@click.option("--state", type=click.Choice(STATES), help="Only pages in this state somewhere.")
def status_command(langs: tuple[str, ...], state: str | None) -> None:
    """The editors' dashboard as a table: each page's state in each language."""
    content_dir = Path(current_app.config["CONTENT_DIR"])
    stream = PageStream(content_dir)  # one page at a time: only the table's facts stay
    entries = entries_from_pages(page for _, page in stream)
    for error in stream.errors:
        click.echo(f"error: {error}", err=True)
    known = {e.lang for e in entries} | set(content_languages(content_dir))
    unknown = sorted(set(langs) - known)
    if unknown:
        raise click.ClickException(f"no content in language '{unknown[0]}'")
    targets = [lang for lang in sorted(set(langs) or known) if lang != SOURCE_LANG]
    rows, counts = matrix(entries, targets)
    short = {"missing": "-", "outdated": "old", "machine": "mt", "reviewed": "ok"}
    width = max((len(f"{r.topic}/{r.slug}") for r in rows), default=10) + 2
    click.echo("page".ljust(width) + "".join(f"{lang:>6}" for lang in targets))
    for row in filtered(rows, targets[0] if len(targets) == 1 else None, state, None):
        cells = "".join(f"{short[row.cells[lang]]:>6}" for lang in targets)
        click.echo(f"{row.topic}/{row.slug}".ljust(width) + cells)
    for name in STATES:
        click.echo(name.ljust(width) + "".join(f"{counts[lang][name]:>6}" for lang in targets))
    click.echo("Key: ok reviewed or human, mt machine (not reviewed), old outdated, - missing.")


@content_cli.command("stamp")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def stamp_command(paths: tuple[Path, ...]) -> None:
    """Mark translations as made from the current source (sets source_hash).

    PATHS are translation files or folders, e.g. content/ne/rights.
    """
    content_dir = Path(current_app.config["CONTENT_DIR"])
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.md")))]
    failed = 0
    for file in files:
        try:
            click.echo(f"{file}: {stamp_translation(file, content_dir)}")
        except (ContentError, ValueError) as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
    if failed:
        raise click.ClickException(f"{failed} file(s) not stamped")


@click.command("export")
@with_appcontext
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", "langs", multiple=True, help="Only these languages (repeat); default all.")
@click.option("--zip", "make_zip", is_flag=True, help="Also write TARGET.zip.")
def export_command(target: Path, langs: tuple[str, ...], make_zip: bool) -> None:
    """Write the site as plain files for a USB stick, a laptop or any static host."""
    from .export import export_site

    app = current_app._get_current_object()
    bar: dict = {}

    def start(total: int) -> None:
        bar["bar"] = click.progressbar(length=total, label="Exporting pages", file=sys.stderr)
        bar["bar"].__enter__()

    try:
        report = export_site(
            app,
            target,
            list(langs) or None,
            progress=lambda p: bar["bar"].update(1),
            on_start=start,
        )
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    for problem in report.broken:
        click.echo(f"error: {problem}", err=True)
    size = report.bytes / 1024 / 1024
    click.echo(f"Wrote {report.files} files, {size:.1f} MB, to {target}")
    if make_zip:
        archive = shutil.make_archive(str(target), "zip", root_dir=target)
        click.echo(f"Wrote {archive} ({Path(archive).stat().st_size / 1024 / 1024:.1f} MB)")
    if report.broken:
        raise click.ClickException(f"{len(report.broken)} link(s) in the export do not resolve")


def lan_address() -> str:
    """This laptop's address on the local network (never loopback when another exists)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    addresses = [info[4][0] for info in infos if not info[4][0].startswith("127.")]
    return addresses[0] if addresses else "127.0.0.1"


@click.command("lan")
@click.option(
    "--host", default=None, help="Address to listen on (default: this laptop's LAN address)."
)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def lan_command(host: str | None, port: int, threads: int) -> None:
    """Serve the site to phones on this Wi-Fi (classrooms): prints the address and its QR code."""
    import segno
    from waitress import serve

    host = host or lan_address()
    url = f"http://{host}:{port}/"
    click.echo(f"Phones on this network can open: {url}")
    segno.make(url, error="m").terminal(compact=True)
    click.echo("Press Ctrl+C to stop.")
    serve(current_app._get_current_object(), host=host, port=port, threads=threads)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(content_cli)
    app.cli.add_command(export_command)
    app.cli.add_command(lan_command)
    from .push.cli import push_cli

    app.cli.add_command(push_cli)

"""Static export: the whole site as plain files that work from a USB stick (file://, relative
links, search from a prebuilt index) and from any static web server (service worker, manifest).

Every page is rendered by the app itself through its test client, then its internal URLs are
rewritten to relative file paths. Pages live at `<path>/index.html` so that a static server
answers the site's usual URLs and file:// links can name the file explicitly.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from flask import Flask

from .content import get_index, store
from .content.model import INDEX_SLUG
from .content.search import normalize
from .locales import SOURCE_LANG

URL_ATTRIBUTE = re.compile(r'(?P<attr>\b(?:href|src|action))="(?P<url>[^"]*)"')
EXTERNAL_ORIGIN = "http://localhost"


@dataclass
class Report:
    """What an export wrote, and the links that did not resolve."""

    files: int = 0
    bytes: int = 0
    broken: list[str] = field(default_factory=list)


def file_for(path: str) -> str:
    """The file (relative to the export root) that answers a site path."""
    path = unquote(urlsplit(path).path)
    if path.startswith("/static/") or path.endswith((".svg", ".js", ".json", ".webmanifest")):
        return path.lstrip("/")
    return posixpath.join(path.strip("/"), "index.html") if path.strip("/") else "index.html"


def site_paths(langs: list[str]) -> list[str]:
    """Every reader URL the export contains, for the given languages."""
    conn = get_index()
    paths = ["/", "/languages"]
    for lang in langs:
        paths += [f"/{lang}/", f"/{lang}/search", f"/{lang}/offline", f"/{lang}/sms"]
        paths += [f"/{lang}/remittances/calculator", f"/{lang}/trafficking/self-check"]
        for lang_, topic, slug in sorted(store.page_keys(conn)):
            if lang_ not in ("en", lang):
                continue
            if not topic:
                paths.append(f"/{lang}/{slug}")
            elif slug == INDEX_SLUG:
                paths.append(f"/{lang}/{topic}/")
            else:
                paths.append(f"/{lang}/{topic}/{slug}")
    if not store.self_check(conn):
        paths = [p for p in paths if not p.endswith("/trafficking/self-check")]
    return list(dict.fromkeys(paths))


QR_IMAGE = re.compile(r"^/s/[a-z0-9]+\.svg$")


def rewrite(html: str, path: str, exported: set[str], qr_images: set[str]) -> str:
    """Point every internal URL of the page served at `path` at its exported file, relative
    to that page's file. QR images met on the way are added to `qr_images` for writing."""
    here = file_for(path)

    def relative(match: re.Match) -> str:
        attr, url = match.group("attr"), match.group("url")
        if url.startswith(EXTERNAL_ORIGIN):
            url = url[len(EXTERNAL_ORIGIN) :] or "/"
        parts = urlsplit(url)
        if url.startswith("?"):  # e.g. "?print": the export has no print view; stay here
            return f'{attr}="{posixpath.basename(here)}"'
        if parts.scheme or parts.netloc or url.startswith("#"):
            return match.group(0)
        if not url.startswith("/"):  # relative, as content links are: resolve like a browser
            url = urljoin(path, url)
            parts = urlsplit(url)
        if QR_IMAGE.match(parts.path):
            qr_images.add(parts.path)
        target = file_for(parts.path)
        if (
            target not in exported
            and not target.startswith("static/")
            and parts.path not in qr_images
        ):
            # Server-only pages (route finder, short links, clear): plain text offline.
            return "data-unavailable-offline" if attr == "href" else match.group(0)
        link = posixpath.relpath(target, posixpath.dirname(here) or ".")
        return f'{attr}="{link}{"#" + parts.fragment if parts.fragment else ""}"'

    return URL_ATTRIBUTE.sub(relative, html)


def search_index(lang: str) -> str:
    """A JavaScript file with this language's pages (title, file, normalised text) for search."""
    rows = (
        get_index()
        .execute(
            "select topic, slug, kind, title, text from pages p where lang = ? or (lang = 'en' and "
            "not exists (select 1 from pages t where t.lang = ? and t.topic = p.topic "
            "and t.slug = p.slug))",
            (lang, lang),
        )
        .fetchall()
    )
    entries = []
    for topic, slug, kind, title, text in rows:
        if kind == "index":
            path = f"/{lang}/{topic}/"
        else:
            path = f"/{lang}/{topic}/{slug}" if topic else f"/{lang}/{slug}"
        entries.append(
            {
                "t": title,
                "u": "/" + file_for(path),
                "x": normalize(f"{title} {text}"),
                "s": text[:200],
            }
        )
    return "window.SEARCH_INDEX = " + json.dumps(entries, ensure_ascii=False) + ";\n"


def _write(root: Path, rel: str, data: str | bytes, report: Report) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = data.encode("utf-8") if isinstance(data, str) else data
    path.write_bytes(data)
    report.files += 1
    report.bytes += len(data)


def export_site(
    app: Flask,
    target: Path,
    langs: list[str] | None = None,
    progress: Callable[[str], None] = lambda path: None,
    on_start: Callable[[int], None] = lambda total: None,
) -> Report:
    """Write the site into `target` and check that every internal link resolves."""
    target.mkdir(parents=True, exist_ok=True)
    client = app.test_client()
    # Not a reader: not counted, and pages leave out forms that need the server (feedback).
    client.environ_base["HTTP_X_MIGRANT_PREFETCH"] = "export"
    client.get("/languages")  # builds the index (and short links) if needed
    report = Report()
    with app.test_request_context():
        available = store.languages(get_index())
        # The source language always comes along: untranslated pages fall back to it.
        langs = [
            lang
            for lang in dict.fromkeys([SOURCE_LANG, *(langs or available)])
            if lang in available
        ]
        paths = site_paths(langs)
        search_files = {lang: search_index(lang) for lang in langs}
    exported = {file_for(p) for p in paths} | {f"search-index/{lang}.js" for lang in langs}
    qr_images: set[str] = set()
    on_start(len(paths))
    for path in paths:
        progress(path)
        response = client.get(path)
        if response.status_code != 200:
            report.broken.append(f"{path}: HTTP {response.status_code}")
            continue
        html = response.get_data(as_text=True)
        if path.endswith("/search"):
            lang = path.split("/")[1]
            scripts = (
                f'<script src="/search-index/{lang}.js" defer></script>\n'
                '<script src="/static/export-search.js" defer></script>\n</head>'
            )
            html = html.replace("</head>", scripts, 1)
        here = file_for(path)
        _write(target, here, rewrite(html, path, exported, qr_images), report)
    for svg in sorted(qr_images):
        _write(target, svg.lstrip("/"), client.get(svg).data, report)
    for lang in langs:
        _write(target, f"search-index/{lang}.js", search_files[lang], report)
        _write(
            target,
            f"{lang}/manifest.webmanifest",
            client.get(f"/{lang}/manifest.webmanifest").data,
            report,
        )
        pack = json.loads(client.get(f"/api/offline/{lang}.json").get_data(as_text=True))
        for entry in pack["emergency"] + [p for t in pack["topics"].values() for p in t["pages"]]:
            entry["url"] = "/" + file_for(entry["url"])
        pack["emergency"] = [e for e in pack["emergency"] if e["url"][1:] in exported]
        _write(target, f"api/offline/{lang}.json", json.dumps(pack, ensure_ascii=False), report)
    worker = client.get("/sw.js").get_data(as_text=True)
    _write(
        target, "sw.js", worker.replace('"/{lang}/offline"', '"/{lang}/offline/index.html"'), report
    )
    shutil.copytree(app.static_folder, target / "static", dirs_exist_ok=True)
    for file in (target / "static").rglob("*"):
        if file.is_file():
            report.files += 1
            report.bytes += file.stat().st_size
    report.broken += validate(target)
    return report


def validate(root: Path) -> list[str]:
    """Every relative href/src/action in every exported HTML file must name an existing file."""
    broken = []
    for page in root.rglob("*.html"):
        for match in URL_ATTRIBUTE.finditer(page.read_text(encoding="utf-8")):
            url = match.group("url")
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith("#") or not parts.path:
                continue
            if parts.path.startswith("/"):
                broken.append(f"{page.relative_to(root)}: absolute link {url}")
            elif not (page.parent / unquote(parts.path)).resolve().is_file():
                broken.append(f"{page.relative_to(root)}: {url}")
    return broken

"""Whole-site checks beyond one file: internal links and anchors, translation versions, coverage."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..locales import SOURCE_LANG
from .discover import split_front_matter
from .model import INDEX_SLUG, TOPICS, ContentError, Page, content_hash
from .render import render_markdown

SITE_ROUTES = frozenset({"search", "notices", "sms"})


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])
        if values.get("id"):
            self.ids.add(values["id"])


def links_and_ids(html: str) -> tuple[list[str], set[str]]:
    """The hrefs of every link and the ids of every element in an HTML fragment."""
    collector = _LinkCollector()
    collector.feed(html)
    return collector.hrefs, collector.ids


def page_url(page: Page) -> str:
    """The path a page is served at, which relative links resolve against."""
    if page.topic is None:
        return f"/{page.lang}/{page.slug}"
    if page.slug == INDEX_SLUG:
        return f"/{page.lang}/{page.topic}/"
    return f"/{page.lang}/{page.topic}/{page.slug}"


def _target_key(path: str) -> tuple[str, tuple[str, str] | None] | None:
    """(lang, page key) for a site path, page key None for non-page routes; None if unknown."""
    parts = path.strip("/").split("/")
    if path == "/languages":
        return ("", None)
    if len(parts) == 1 and path.endswith("/"):
        return (parts[0], None)
    if len(parts) == 2 and path.endswith("/") and parts[1] in TOPICS:
        return (parts[0], (parts[1], INDEX_SLUG))
    if len(parts) == 2 and not path.endswith("/"):
        if parts[1] in SITE_ROUTES:
            return (parts[0], None)
        return (parts[0], ("", parts[1]))
    if len(parts) == 3 and parts[1] in TOPICS and not path.endswith("/"):
        return (parts[0], (parts[1], parts[2]))
    return None


def check_links(pages: list[Page]) -> list[ContentError]:
    """Every internal link must reach a page (in its language or the source) and its anchor."""
    by_key = {(p.lang, p.topic or "", p.slug): p for p in pages}
    ids = {key: links_and_ids(p.html)[1] for key, p in by_key.items()}
    errors = []
    for page in pages:
        hrefs, own_ids = links_and_ids(page.html)
        base = page_url(page)
        for href in hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue  # external, tel:, mailto:
            fragment = unquote(parts.fragment)
            if not parts.path:
                if fragment and fragment not in own_ids:
                    errors.append(
                        ContentError(page.path, f"link '{href}': no heading '#{fragment}'")
                    )
                continue
            target = _target_key(urljoin(base, parts.path))
            if target is None:
                errors.append(ContentError(page.path, f"link '{href}' goes to no page"))
                continue
            lang, key = target
            if key is None:
                continue
            found = by_key.get((lang, *key)) or by_key.get((SOURCE_LANG, *key))
            if found is None or (lang not in ("", page.lang)):
                reason = "goes to no page" if found is None else "leaves the reader's language"
                errors.append(ContentError(page.path, f"link '{href}' {reason}"))
            elif fragment and fragment not in ids[(found.lang, found.topic or "", found.slug)]:
                errors.append(ContentError(page.path, f"link '{href}': no heading '#{fragment}'"))
    return errors


def git_versions(content_dir: Path, source: Page) -> dict[str, tuple[str, str, str]]:
    """hash -> (title, summary, body) of every committed version of a source page (from git)."""
    found: dict[str, tuple[str, str, str]] = {}
    git = shutil.which("git")
    path = content_dir / source.path
    if git is None:
        return found
    log = subprocess.run(  # noqa: S603 - fixed argv, the path comes from our own file walk
        [git, "log", "--format=%H", "--", path.name],
        cwd=path.parent, capture_output=True, text=True, check=False,
    )  # fmt: skip
    for commit in log.stdout.split():
        shown = subprocess.run(  # noqa: S603
            [git, "show", f"{commit}:./{path.name}"],
            cwd=path.parent, capture_output=True, check=False,
        )  # fmt: skip
        if shown.returncode != 0:
            continue
        try:
            meta, body, _ = split_front_matter(shown.stdout.decode("utf-8", "replace"), source.path)
        except ContentError:
            continue
        title, summary = str(meta.get("title", "")), str(meta.get("summary", ""))
        found[content_hash(title, summary, body)] = (title, summary, body)
    return found


def source_versions(content_dir: Path, source: Page) -> set[str]:
    """Hashes of every committed version of a source page, plus the current one."""
    return {source.content_hash, *git_versions(content_dir, source)}


def check_translation_versions(content_dir: Path, pages: list[Page]) -> list[ContentError]:
    """A translation's source_hash must name some version of its source page."""
    sources = {p.key: p for p in pages if p.lang == SOURCE_LANG}
    cache: dict = {}
    errors = []
    for page in pages:
        source = sources.get(page.key)
        if page.lang == SOURCE_LANG or source is None or page.source_hash == source.content_hash:
            continue
        if page.key not in cache:
            cache[page.key] = source_versions(content_dir, source)
        if page.source_hash not in cache[page.key]:
            errors.append(
                ContentError(
                    page.path,
                    f"source_hash {page.source_hash} matches no version of {source.path}; "
                    "run 'flask content stamp' after checking the translation",
                )
            )
    return errors


def render_all(pages: Iterable[Page]) -> None:
    """Render pages that have not been rendered yet (check runs without an index)."""
    for page in pages:
        if not page.html:
            page.html, page.toc = render_markdown(page.body)


def coverage(pages: list[Page]) -> list[dict]:
    """Per language: pages translated and current, outdated, missing (against the source)."""
    sources = {p.key: p for p in pages if p.lang == SOURCE_LANG}
    langs = sorted({p.lang for p in pages}, key=lambda lang: (lang != SOURCE_LANG, lang))
    table = []
    for lang in langs:
        states = Counter()
        present = {p.key: p for p in pages if p.lang == lang}
        for key, source in sources.items():
            page = present.get(key)
            if page is None:
                states["missing"] += 1
            elif lang == SOURCE_LANG or page.source_hash == source.content_hash:
                states["current"] += 1
            else:
                states["outdated"] += 1
        table.append({"lang": lang, "total": len(sources), **states})
    return table

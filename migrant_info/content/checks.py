"""Whole-site checks beyond one file: internal links and anchors, translation versions, coverage."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
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


def has_id(joined: str | None, fragment: str) -> bool:
    """True when `fragment` is one of the NUL-joined ids (NUL never occurs in parsed HTML)."""
    return joined is not None and "\0" not in fragment and f"\0{fragment}\0" in joined


def _href_errors(
    page: tuple[str, str, str, tuple[str, str]],
    hrefs: Iterable[str],
    ids: Callable[[tuple[str, str, str]], str | None],
) -> Iterator[ContentError]:
    """Errors of one page's internal links; `page` is (path, lang, url, (topic, slug)) and
    `ids(key)` a page's joined ids, None when there is no such page."""
    path, lang, base, own = page
    for href in hrefs:
        parts = urlsplit(href)
        fragment = unquote(parts.fragment)
        if not parts.path:
            if fragment and not has_id(ids((lang, *own)), fragment):
                yield ContentError(path, f"link '{href}': no heading '#{fragment}'")
            continue
        target = _target_key(urljoin(base, parts.path))
        if target is None:
            yield ContentError(path, f"link '{href}' goes to no page")
            continue
        target_lang, key = target
        if key is None:
            continue
        found = ids((target_lang, *key))
        if found is None:
            found = ids((SOURCE_LANG, *key))
        if found is None or (target_lang not in ("", lang)):
            reason = "goes to no page" if found is None else "leaves the reader's language"
            yield ContentError(path, f"link '{href}' {reason}")
        elif fragment and not has_id(found, fragment):
            yield ContentError(path, f"link '{href}': no heading '#{fragment}'")


class SiteFacts:
    """What the whole-site checks keep of each rendered page, so pages can stream past.

    Per page: its heading ids (one joined string), its internal links if it has any, and
    for translations their source_hash; per source page its path and content hash.
    """

    def __init__(self) -> None:
        self.pages = 0
        self.ids: dict[tuple[str, str, str], str] = {}
        self.links: list[tuple[int, tuple[str, str, str, tuple[str, str]], tuple[str, ...]]] = []
        self.sources: dict[tuple[str | None, str], tuple[str, str]] = {}
        self.translations: list[tuple[int, str, str, tuple[str | None, str], str | None]] = []

    def add(self, position: int, page: Page) -> None:
        """Remember one rendered page (`position`: its place in path order)."""
        self.pages += 1
        hrefs, ids = links_and_ids(page.html)
        self.ids[(page.lang, page.topic or "", page.slug)] = "\0" + "\0".join(sorted(ids)) + "\0"
        internal = tuple(h for h in hrefs if not (urlsplit(h).scheme or urlsplit(h).netloc))
        if internal:
            own = (page.path, page.lang, page_url(page), (page.topic or "", page.slug))
            self.links.append((position, own, internal))
        if page.lang == SOURCE_LANG:
            self.sources[page.key] = (page.path, page.content_hash)
        else:
            entry = (position, page.path, page.lang, page.key, page.source_hash)
            self.translations.append(entry)

    def link_errors(self) -> list[ContentError]:
        """Every internal link must reach a page (its language or the source) and its anchor."""
        errors = []
        for _, page, hrefs in sorted(self.links, key=lambda link: link[0]):
            errors += _href_errors(page, hrefs, self.ids.get)
        return errors

    def version_errors(self, content_dir: Path) -> list[ContentError]:
        """A translation's source_hash must name some version of its source page."""
        cache: dict = {}
        errors = []
        for _, path, _lang, key, source_hash in sorted(self.translations, key=lambda t: t[0]):
            source = self.sources.get(key)
            if source is None or source_hash == source[1]:
                continue
            if key not in cache:
                cache[key] = {source[1], *git_versions(content_dir, source[0])}
            if source_hash not in cache[key]:
                errors.append(
                    ContentError(
                        path,
                        f"source_hash {source_hash} matches no version of {source[0]}; "
                        "run 'flask content stamp' after checking the translation",
                    )
                )
        return errors

    def coverage(self) -> list[dict]:
        """Per language: pages translated and current, outdated, missing (against the source)."""
        present: dict[str, dict] = {SOURCE_LANG: {}} if self.sources else {}
        for _, _path, lang, key, source_hash in self.translations:
            present.setdefault(lang, {})[key] = source_hash
        table = []
        for lang in sorted(present, key=lambda lang: (lang != SOURCE_LANG, lang)):
            states = Counter()
            for key, (_path, current) in self.sources.items():
                if lang == SOURCE_LANG:
                    states["current"] += 1
                elif key not in present[lang]:
                    states["missing"] += 1
                else:
                    states["current" if present[lang][key] == current else "outdated"] += 1
            table.append({"lang": lang, "total": len(self.sources), **states})
        return table


def facts_of(pages: Iterable[Page]) -> SiteFacts:
    """SiteFacts of rendered pages given in path order."""
    facts = SiteFacts()
    for position, page in enumerate(pages):
        facts.add(position, page)
    return facts


def check_site(
    content_dir: Path, progress: Callable[[Page], None] = lambda page: None
) -> tuple[SiteFacts, list[ContentError]]:
    """Read, render and remember every page one at a time; return the facts and parse errors."""
    from .pagestream import PageStream  # it builds on discover, as this module does

    stream = PageStream(content_dir)
    facts = SiteFacts()
    for position, page in stream:
        page.html, page.toc = render_markdown(page.body)
        facts.add(position, page)
        progress(page)
    return facts, stream.errors


def check_links(pages: list[Page]) -> list[ContentError]:
    """Every internal link must reach a page (in its language or the source) and its anchor."""
    return facts_of(pages).link_errors()


def git_versions(content_dir: Path, source: Page | str) -> dict[str, tuple[str, str, str]]:
    """hash -> (title, summary, body) of every committed version of a source page (from git)."""
    found: dict[str, tuple[str, str, str]] = {}
    git = shutil.which("git")
    rel = source if isinstance(source, str) else source.path
    path = content_dir / rel
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
            meta, body, _ = split_front_matter(shown.stdout.decode("utf-8", "replace"), rel)
        except ContentError:
            continue
        title, summary = str(meta.get("title", "")), str(meta.get("summary", ""))
        found[content_hash(title, summary, body)] = (title, summary, body)
    return found


def check_translation_versions(content_dir: Path, pages: list[Page]) -> list[ContentError]:
    """A translation's source_hash must name some version of its source page."""
    return facts_of(pages).version_errors(content_dir)


def render_all(pages: Iterable[Page]) -> None:
    """Render pages that have not been rendered yet (check runs without an index)."""
    for page in pages:
        if not page.html:
            page.html, page.toc = render_markdown(page.body)


def coverage(pages: list[Page]) -> list[dict]:
    """Per language: pages translated and current, outdated, missing (against the source)."""
    return facts_of(pages).coverage()

"""What the content pipeline passes between its stages: source files, pages and errors."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

TOPICS = ("rights", "legal-channels", "trafficking", "remittances")
INDEX_SLUG = "_index"
# Site pages live at /<lang>/<slug>; these names belong to views and can never be pages.
RESERVED_SLUGS = frozenset(
    {"search", "notices", "sms", "print", "offline", "clear", "api", "editor", "s", "static"}
)


@dataclass(frozen=True)
class ContentError(Exception):
    """A problem in one content file, with the line where it is known."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass
class Page:
    """One Markdown file in one language, after parsing and validation."""

    path: str  # relative to the content directory, always with '/'
    lang: str
    topic: str | None  # None for site pages such as /<lang>/safety
    slug: str  # INDEX_SLUG for a topic's _index.md
    title: str
    summary: str
    body: str
    file_hash: str
    reviewed: dt.date | None = None
    sources: list[dict] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    source_hash: str | None = None  # translations: hash of the source they were made from
    translated_by: str | None = None
    reviewed_by: str | None = None
    lesson: dict | None = None
    aliases: list[str] = field(default_factory=list)  # old "topic/slug" locations of this page
    html: str = ""
    text: str = ""
    toc: list[dict] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """'index' for a topic index, 'site' for a site page, else 'page'."""
        if self.topic is None:
            return "site"
        return "index" if self.slug == INDEX_SLUG else "page"

    @property
    def key(self) -> tuple[str | None, str]:
        """Identity shared by a page and its translations."""
        return (self.topic, self.slug)

    @property
    def content_hash(self) -> str:
        """Hash of the translatable parts; a translation records its source's value."""
        return content_hash(self.title, self.summary, self.body)


@dataclass(frozen=True)
class SourceFacts:
    """What a translation takes from its source page (from a Page or from an index row)."""

    content_hash: str
    sources: list[dict]
    reviewed: dt.date | None
    countries: list[str]
    aliases: list[str]


def source_facts(page: Page) -> SourceFacts:
    """The small part of a source page its translations need (kept while pages stream)."""
    return SourceFacts(page.content_hash, page.sources, page.reviewed, page.countries, page.aliases)


def inherit(page: Page, source: Page | SourceFacts) -> None:
    """Facts are checked once, on the source: translations show its sources and dates."""
    page.sources = page.sources or source.sources
    page.reviewed = page.reviewed or source.reviewed
    page.countries = page.countries or source.countries
    page.aliases = source.aliases


def content_hash(title: str, summary: str, body: str) -> str:
    """Hash of what a translator translates, insensitive to line endings and trailing space."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").strip().split("\n")]
    data = "\x00".join([title.strip(), summary.strip(), "\n".join(lines)])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

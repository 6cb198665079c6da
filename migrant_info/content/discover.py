"""Find content files and read their front matter, validating both (the first pipeline stage)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..locales import SOURCE_LANG, is_known_language
from .model import INDEX_SLUG, RESERVED_SLUGS, TOPICS, ContentError, Page

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
SUMMARY_LIMIT = 160
NOT_LANGUAGES = frozenset({"data"})
PAGE_KEYS = {"title", "summary", "reviewed", "sources", "countries", "lesson", "aliases"}
ALIAS = re.compile(r"^(?:[a-z-]+/)?[a-z0-9]+(?:-[a-z0-9]+)*$")
TRANSLATION_KEYS = {"source_hash", "translated_by", "reviewed_by"}
TRANSLATORS = ("machine", "human")


def content_files(content_dir: Path) -> Iterator[Path]:
    """Yield every Markdown file under content/<lang>/, sorted, skipping the data folder."""
    for path in sorted(content_dir.glob("*/**/*.md")):
        rel = path.relative_to(content_dir)
        if rel.parts[0] not in NOT_LANGUAGES and not any(p.startswith(".") for p in rel.parts):
            yield path


def split_front_matter(text: str, rel: str) -> tuple[dict, str, int]:
    """Split '---' YAML front matter from the body; return (meta, body, body's first line)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise ContentError(rel, "the file must start with a '---' front matter line", 1)
    end = text.find("\n---", 3)
    if end == -1 or text[end + 4 : end + 5] not in ("", "\n"):
        raise ContentError(rel, "front matter is not closed by a '---' line", 1)
    raw = text[4 : end + 1]
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ContentError(rel, f"front matter is not valid YAML: {problem}", line) from None
    except ValueError as exc:  # PyYAML parses dates itself and rejects impossible ones
        raise ContentError(
            rel, f"'reviewed' must be a date written YYYY-MM-DD ({exc})", _bad_date_line(raw)
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError(rel, "front matter must be a set of 'key: value' lines", 2)
    body_line = raw.count("\n") + 3
    return meta, text[end + 5 :], body_line


def _bad_date_line(raw: str) -> int | None:
    """Line of the first YYYY-MM-DD value that is not a real date."""
    for number, line in enumerate(raw.splitlines(), start=2):
        for value in re.findall(r"\b\d{4}-\d{1,2}-\d{1,2}\b", line):
            try:
                dt.date(*map(int, value.split("-")))
            except ValueError:
                return number
    return None


def _line_of(raw_text: str, key: str, anywhere: bool = False) -> int | None:
    """Line number of a front matter key (or of any text, if `anywhere`), for messages."""
    for number, line in enumerate(raw_text.splitlines(), start=1):
        if (key in line) if anywhere else line.startswith(f"{key}:"):
            return number
    return None


def _text_field(meta: dict, key: str, rel: str, raw: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(rel, f"'{key}' is required and must be text", _line_of(raw, key))
    return value.strip()


def _validate_sources(value: object, rel: str, raw: str) -> list[dict]:
    line = _line_of(raw, "sources")
    if not isinstance(value, list) or not value:
        raise ContentError(rel, "'sources' must list at least one source (title and url)", line)
    sources = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            raise ContentError(rel, f"source {number} needs a 'title'", line)
        url = item.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            url_line = _line_of(raw, f"url: {url}", anywhere=True) if url else None
            reason = f"source {number} needs an http(s) 'url', got {url!r}"
            raise ContentError(rel, reason, url_line or line)
        sources.append({"title": item["title"].strip(), "url": url.strip()})
    return sources


def _validate_date(value: object, key: str, rel: str, raw: str) -> dt.date:
    line = _line_of(raw, key)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise ContentError(rel, f"'{key}' must be a date written YYYY-MM-DD, got {value!r}", line)
    if value > dt.date.today() + dt.timedelta(days=1):
        raise ContentError(rel, f"'{key}' is in the future ({value.isoformat()})", line)
    return value


def locate(rel_parts: tuple[str, ...], rel: str) -> tuple[str, str | None, str]:
    """Turn a relative path into (lang, topic, slug), or raise ContentError."""
    if len(rel_parts) == 2:
        lang, name = rel_parts
        topic = None
    elif len(rel_parts) == 3:
        lang, topic, name = rel_parts
        if topic not in TOPICS:
            raise ContentError(
                rel, f"unknown topic folder '{topic}'; use one of {', '.join(TOPICS)}"
            )
    else:
        raise ContentError(rel, "pages live at content/<lang>/<topic>/<slug>.md")
    if not is_known_language(lang):
        raise ContentError(rel, f"'{lang}' is not a language code Babel knows")
    slug = name[:-3]
    if slug == INDEX_SLUG and topic is not None:
        return lang, topic, slug
    if not SLUG.match(slug):
        raise ContentError(rel, f"slug '{slug}' must be lowercase a-z, 0-9 and single hyphens")
    if topic is None and slug in RESERVED_SLUGS | set(TOPICS):
        raise ContentError(rel, f"'{slug}' is reserved for the site and cannot be a page name")
    return lang, topic, slug


def read_page(path: Path, content_dir: Path) -> Page:
    """Read and validate one content file into a Page (HTML not yet rendered)."""
    return parse_page(path.read_bytes(), path.relative_to(content_dir).as_posix())


def parse_page(data: bytes, rel: str) -> Page:
    """Validate a content file's bytes as if they lived at `rel` (e.g. 'ne/rights/contract.md')."""
    lang, topic, slug = locate(tuple(rel.split("/")), rel)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(rel, f"not valid UTF-8 (byte {exc.start})") from None
    meta, body, _ = split_front_matter(text, rel)
    raw = text.split("\n---", 1)[0]
    is_translation = lang != SOURCE_LANG
    is_index = slug == INDEX_SLUG
    allowed = PAGE_KEYS | (TRANSLATION_KEYS if is_translation else set())
    unknown = sorted(set(meta) - allowed)
    if unknown:
        raise ContentError(
            rel, f"unknown front matter key '{unknown[0]}'", _line_of(raw, unknown[0])
        )
    title = _text_field(meta, "title", rel, raw)
    summary = _text_field(meta, "summary", rel, raw)
    if len(summary) > SUMMARY_LIMIT:
        raise ContentError(
            rel,
            f"summary is {len(summary)} characters; the limit is {SUMMARY_LIMIT}",
            _line_of(raw, "summary"),
        )
    page = Page(
        path=rel,
        lang=lang,
        topic=topic,
        slug=slug,
        title=title,
        summary=summary,
        body=body,
        file_hash=hashlib.sha256(data).hexdigest(),
    )
    if not is_index and not is_translation:
        page.reviewed = _validate_date(meta.get("reviewed"), "reviewed", rel, raw)
        page.sources = _validate_sources(meta.get("sources"), rel, raw)
    elif meta.get("reviewed") is not None:
        page.reviewed = _validate_date(meta.get("reviewed"), "reviewed", rel, raw)
    if is_translation and meta.get("sources") is not None:
        page.sources = _validate_sources(meta.get("sources"), rel, raw)
    countries = meta.get("countries") or []
    if not isinstance(countries, list) or not all(
        isinstance(c, str) and COUNTRY.match(c) for c in countries
    ):
        raise ContentError(
            rel, "'countries' must list ISO codes such as [NP, QA]", _line_of(raw, "countries")
        )
    page.countries = countries
    if isinstance(meta.get("lesson"), dict):
        page.lesson = meta["lesson"]
    aliases = meta.get("aliases") or []
    if not isinstance(aliases, list) or not all(
        isinstance(a, str) and ALIAS.match(a) for a in aliases
    ):
        line = _line_of(raw, "aliases")
        raise ContentError(rel, "'aliases' must list old locations such as rights/old-slug", line)
    page.aliases = aliases
    if is_translation:
        source_hash = meta.get("source_hash")
        if not isinstance(source_hash, str) or not re.fullmatch(r"[0-9a-f]{16}", source_hash):
            raise ContentError(
                rel,
                "'source_hash' must be the 16-character hash of the source page",
                _line_of(raw, "source_hash"),
            )
        page.source_hash = source_hash
        translated_by = meta.get("translated_by")
        if translated_by not in TRANSLATORS:
            raise ContentError(
                rel, "'translated_by' must be 'machine' or 'human'", _line_of(raw, "translated_by")
            )
        page.translated_by = translated_by
        reviewed_by = meta.get("reviewed_by")
        page.reviewed_by = str(reviewed_by) if reviewed_by else None
    return page


def discover(content_dir: Path) -> tuple[list[Page], list[ContentError]]:
    """Read every content file; return the valid pages (in path order) and every error found.

    This holds every page; builds and checks stream instead (`pagestream.PageStream`).
    """
    from .pagestream import PageStream  # it builds on this module

    stream = PageStream(content_dir)
    found = sorted(stream, key=lambda item: item[0])
    return [page for _, page in found], stream.errors


SOURCE_HASH_LINE = re.compile(r"^source_hash:.*$", re.MULTILINE)


def stamp_translation(path: Path, content_dir: Path) -> str:
    """Record the current source's hash in a translation's front matter; return the hash."""
    rel = path.resolve().relative_to(content_dir.resolve())
    lang, topic, slug = locate(rel.parts, rel.as_posix())
    if lang == SOURCE_LANG:
        raise ContentError(rel.as_posix(), "only translations carry a source_hash")
    source_path = content_dir.joinpath(SOURCE_LANG, *rel.parts[1:])
    if not source_path.exists():
        raise ContentError(rel.as_posix(), "translation has no English source page")
    source = read_page(source_path, content_dir)
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n---")
    line = f"source_hash: {source.content_hash}"
    if SOURCE_HASH_LINE.search(head):
        head = SOURCE_HASH_LINE.sub(line, head, count=1)
    else:
        head = f"{head}\n{line}"
    path.write_text(head + sep + rest, encoding="utf-8")
    return source.content_hash

"""Markdown to safe HTML: a fresh renderer per page, then nh3 sanitising (second pipeline stage)."""

from __future__ import annotations

import html

import markdown
import nh3
from markdown.extensions.toc import TocExtension, slugify_unicode

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "strong", "em", "b", "i",
    "code", "pre", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
    "abbr", "sup", "sub", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"scope"},
    "ol": {"start"},
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def markdown_renderer() -> markdown.Markdown:
    """A new Markdown instance: extensions keep state, so pages never share one."""
    return markdown.Markdown(
        extensions=[
            "tables",
            "sane_lists",
            TocExtension(slugify=slugify_unicode, toc_depth="2-3"),
        ],
        output_format="html",
    )


def sanitise(fragment: str) -> str:
    """Clean HTML with nh3: only the tags, attributes and URL schemes content needs survive."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(fragment: str) -> str:
    """The visible text of an HTML fragment, for search and snippets."""
    text = nh3.clean(fragment.replace("</", " </"), tags=set())
    return " ".join(html.unescape(text).split())


def render_markdown(body: str) -> tuple[str, list[dict]]:
    """Render Markdown and sanitise it; return (html, table of contents entries)."""
    renderer = markdown_renderer()
    raw_html = renderer.convert(body)
    toc = [
        {"id": entry["id"], "name": html.unescape(entry["name"]), "level": entry["level"]}
        for entry in _flatten(renderer.toc_tokens)
    ]
    return sanitise(raw_html), toc


def _flatten(tokens: list[dict]) -> list[dict]:
    out: list[dict] = []
    for token in tokens:
        out.append(token)
        out.extend(_flatten(token.get("children", [])))
    return out

"""Content discovery and front matter validation: every bad file names itself and the reason."""

from __future__ import annotations

import pytest

from migrant_info.content.discover import discover, read_page, split_front_matter
from migrant_info.content.model import ContentError

GOOD = """---
title: A page
summary: A summary.
reviewed: 2026-11-20
sources:
  - title: ILO C181
    url: https://www.ilo.org/c181
---
Body text.
"""


def write(content_dir, rel, text):
    path = content_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


BAD_CASES = [
    (
        "missing-title",
        "en/rights/x.md",
        GOOD.replace("title: A page\n", ""),
        "'title' is required",
        None,
    ),
    (
        "summary-too-long",
        "en/rights/x.md",
        GOOD.replace("A summary.", "a" * 161),
        "161 characters",
        3,
    ),
    (
        "bad-date",
        "en/rights/x.md",
        GOOD.replace("2026-11-20", "2026-13-40"),
        "'reviewed' must be a date",
        4,
    ),
    ("future-date", "en/rights/x.md", GOOD.replace("2026-11-20", "2999-01-01"), "in the future", 4),
    (
        "no-sources",
        "en/rights/x.md",
        GOOD.split("sources:")[0] + "---\nBody\n",
        "'sources' must list",
        None,
    ),
    (
        "bad-url",
        "en/rights/x.md",
        GOOD.replace("https://www.ilo.org/c181", "javascript:alert(1)"),
        "http(s) 'url'",
        7,
    ),
    ("bad-slug", "en/rights/Bad_Slug.md", GOOD, "slug 'Bad_Slug'", None),
    ("unknown-topic", "en/holidays/x.md", GOOD, "unknown topic folder 'holidays'", None),
    ("unknown-language", "zz/rights/x.md", GOOD, "'zz' is not a language code", None),
    ("no-front-matter", "en/rights/x.md", "Just text\n", "must start with a '---'", 1),
    ("unclosed", "en/rights/x.md", "---\ntitle: x\n", "not closed", 1),
    (
        "invalid-yaml",
        "en/rights/x.md",
        "---\ntitle: x\nsummary: [unclosed\n---\nbody\n",
        "not valid YAML",
        4,
    ),
    (
        "unknown-key",
        "en/rights/x.md",
        GOOD.replace("title:", "colour: red\ntitle:", 1),
        "unknown front matter key 'colour'",
        2,
    ),
    ("reserved-site-slug", "en/search.md", GOOD, "reserved", None),
    (
        "bad-countries",
        "en/rights/x.md",
        GOOD.replace("---\nBody", "countries: [nepal]\n---\nBody"),
        "'countries'",
        8,
    ),
]


@pytest.mark.parametrize(
    "rel,text,reason,line", [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES]
)
def test_bad_front_matter_is_reported_with_file_line_and_reason(
    content_dir, rel, text, reason, line
):
    write(content_dir, rel, text)
    _pages, errors = discover(content_dir)
    assert len(errors) == 1, errors
    error = errors[0]
    assert error.path == rel
    assert reason in error.reason
    if line is not None:
        assert error.line == line
        assert str(error).startswith(f"{rel}:{line}: ")


def test_non_utf8_file_is_reported(content_dir):
    (content_dir / "en/rights/latin1.md").write_bytes(GOOD.encode("utf-8") + b"\xff\xfe")
    _pages, errors = discover(content_dir)
    assert [e.path for e in errors] == ["en/rights/latin1.md"]
    assert "UTF-8" in errors[0].reason


@pytest.mark.parametrize(
    "text,reason",
    [
        ("---\ntitle: t\nsummary: s\ntranslated_by: machine\n---\nb\n", "'source_hash'"),
        (
            "---\ntitle: t\nsummary: s\nsource_hash: 0123456789abcdef\ntranslated_by: robot\n---\nb\n",
            "'translated_by'",
        ),
    ],
    ids=["missing-source-hash", "bad-translator"],
)
def test_translation_metadata_is_required(content_dir, text, reason):
    write(content_dir, "ar/rights/wages.md", text)
    _pages, errors = discover(content_dir)
    assert any(reason in e.reason and e.path == "ar/rights/wages.md" for e in errors), errors


def test_translation_without_source_is_an_error(content_dir):
    write(
        content_dir,
        "ar/rights/orphan.md",
        "---\ntitle: t\nsummary: s\nsource_hash: 0123456789abcdef\ntranslated_by: human\n---\nb\n",
    )
    _pages, errors = discover(content_dir)
    assert [(e.path, e.reason) for e in errors] == [
        ("ar/rights/orphan.md", "translation has no English source page")
    ]


def test_translations_inherit_sources_and_review_date(content_dir):
    pages, errors = discover(content_dir)
    assert not errors
    ar = next(p for p in pages if p.path == "ar/rights/passport.md")
    en = next(p for p in pages if p.path == "en/rights/passport.md")
    assert ar.sources == en.sources and ar.reviewed == en.reviewed


def test_front_matter_body_and_crlf(content_dir):
    meta, body, first_line = split_front_matter("---\r\ntitle: x\r\n---\r\nHello\r\n", "x.md")
    assert meta == {"title": "x"} and body == "Hello\n" and first_line == 4


def test_read_page_locates_language_topic_and_slug(content_dir):
    page = read_page(content_dir / "ne/rights/passport.md", content_dir)
    assert (page.lang, page.topic, page.slug, page.kind) == ("ne", "rights", "passport", "page")
    site = read_page(content_dir / "en/safety.md", content_dir)
    assert (site.topic, site.kind) == (None, "site")


def test_content_error_message_names_file_and_line():
    assert str(ContentError("en/a.md", "bad", 3)) == "en/a.md:3: bad"
    assert str(ContentError("en/a.md", "bad")) == "en/a.md: bad"

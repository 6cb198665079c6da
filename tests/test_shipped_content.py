"""The content we ship: valid, linked, sourced, and complete in every language."""

from __future__ import annotations

import pytest

from migrant_info.config import ROOT
from migrant_info.content import checks, helplines
from migrant_info.content.discover import discover
from migrant_info.content.model import TOPICS

CONTENT = ROOT / "content"
LANGUAGES = ["en", "ar", "ur", "ne", "bn", "fil", "id", "am", "my", "es", "fr"]


@pytest.fixture(scope="module")
def pages():
    found, errors = discover(CONTENT)
    assert errors == []
    checks.render_all(found)
    return found


def test_content_check_passes(pages):
    assert checks.check_links(pages) == []
    assert checks.check_translation_versions(CONTENT, pages) == []
    _lines, _directory, errors = helplines.load(CONTENT)
    assert errors == []


def test_at_least_six_sourced_pages_per_topic(pages):
    for topic in TOPICS:
        sources = [p for p in pages if p.lang == "en" and p.topic == topic and p.kind == "page"]
        assert len(sources) >= 6, topic
        assert all(p.sources and p.reviewed for p in sources)


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_page_translated_and_current(pages, lang):
    row = next(r for r in checks.coverage(pages) if r["lang"] == lang)
    assert row.get("missing", 0) == 0 and row.get("outdated", 0) == 0
    translations = [p for p in pages if p.lang == lang]
    assert all(p.translated_by in ("machine", "human") for p in translations)


def test_helplines_cover_the_corridor_countries():
    lines, directory, _errors = helplines.load(CONTENT)
    countries = {line.country for line in lines}
    origins = {"PH", "NP", "BD", "IN", "ID", "LK", "PK", "ET", "KE"}
    destinations = {"AE", "SA", "QA", "KW", "MY", "GB", "US", "IT", "ES"}
    assert origins | destinations <= countries
    assert directory["url"].startswith("https://")

"""Markdown rendering and sanitising: whoever wrote the Markdown, no script survives."""

from __future__ import annotations

import pytest

from migrant_info.content.render import markdown_renderer, plain_text, render_markdown

NASTY = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("source", NASTY)
def test_sanitiser_removes_active_content(source):
    html, _toc = render_markdown(source)
    lowered = html.lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "data:",
        "<style",
        "<iframe",
        "style=",
    ):
        assert bad not in lowered, (source, html)


def test_tables_and_heading_anchors_render():
    html, toc = render_markdown("## Your rights\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## حقوقك\n")
    assert '<h2 id="your-rights">Your rights</h2>' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert [t["name"] for t in toc] == ["Your rights", "حقوقك"]
    assert toc[1]["id"] and f'id="{toc[1]["id"]}"' in html


def test_links_keep_safe_schemes_and_get_rel():
    html, _ = render_markdown("[call](tel:+9771141) [read](../trafficking/helplines)")
    assert 'href="tel:+9771141"' in html
    assert 'href="../trafficking/helplines"' in html
    assert 'rel="noopener noreferrer"' in html


def test_each_page_gets_a_fresh_renderer():
    first, second = markdown_renderer(), markdown_renderer()
    assert first is not second
    first.convert("## Same\n\n## Same\n")
    assert second.convert("## Same\n") == '<h2 id="same">Same</h2>'


def test_plain_text_drops_tags_and_decodes_entities():
    assert plain_text("<p>Fish &amp; chips</p><p>next</p>") == "Fish & chips next"

"""`content check`: internal links and anchors, translation versions, coverage."""

from __future__ import annotations

import subprocess

import pytest

from migrant_info.content import checks
from migrant_info.content.discover import discover, stamp_translation


def checked(content_dir):
    pages, errors = discover(content_dir)
    assert not errors
    checks.render_all(pages)
    return pages


def add_link(content_dir, rel, markdown):
    path = content_dir / rel
    path.write_text(path.read_text(encoding="utf-8") + f"\n{markdown}\n", encoding="utf-8")


def test_fixture_links_are_all_valid(content_dir):
    assert checks.check_links(checked(content_dir)) == []


@pytest.mark.parametrize(
    "markdown,reason",
    [
        ("[x](nope)", "link 'nope' goes to no page"),
        ("[x](../holidays/beach)", "goes to no page"),
        ("[x](wages#no-such-heading)", "no heading '#no-such-heading'"),
        ("[x](#missing)", "no heading '#missing'"),
        ("[x](/ar/rights/wages)", "leaves the reader's language"),
        ("[x](../../etc/passwd)", "goes to no page"),
    ],
)
def test_broken_internal_links_are_errors(content_dir, markdown, reason):
    add_link(content_dir, "en/rights/passport.md", markdown)
    errors = checks.check_links(checked(content_dir))
    assert [e.path for e in errors] == ["en/rights/passport.md"]
    assert reason in errors[0].reason


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](wages)",
        "[x](../trafficking/helplines)",
        "[x](../safety)",
        "[x](passport#keep-your-passport)",
        "[x](./)",
        "[x](../search)",
        "[x](https://www.ilo.org/)",
        "[x](tel:+9771141)",
        "[x](#wages)",
    ],
)
def test_valid_links_pass(content_dir, markdown):
    add_link(content_dir, "en/rights/passport.md", markdown)
    assert checks.check_links(checked(content_dir)) == []


def test_link_to_untranslated_page_is_fine_it_falls_back(content_dir):
    add_link(content_dir, "ar/rights/passport.md", "[x](../remittances/mobile-money)")
    assert checks.check_links(checked(content_dir)) == []


def test_translated_anchor_must_exist_in_the_translation(content_dir):
    add_link(content_dir, "ar/rights/_index.md", "[x](passport#keep-your-passport)")
    errors = checks.check_links(checked(content_dir))
    assert [e.path for e in errors] == ["ar/rights/_index.md"]


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_translation_hash_must_match_some_source_version(content_dir):
    git(content_dir, "init", "-q")
    git(
        content_dir,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qam",
        "v1",
        "--allow-empty",
    )
    git(content_dir, "add", ".")
    git(content_dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    source = content_dir / "en/rights/wages.md"
    translation = content_dir / "ar/rights/wages.md"
    translation.write_text(
        "---\ntitle: الأجور\nsummary: s\nsource_hash: 0000000000000000\ntranslated_by: machine\n---\nنص\n",
        encoding="utf-8",
    )
    stamp_translation(translation, content_dir)
    source.write_text(source.read_text().replace("every month", "every week"), encoding="utf-8")
    git(content_dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "v2")
    pages = checked(content_dir)
    errors = checks.check_translation_versions(content_dir, pages)
    assert "ar/rights/wages.md" not in [e.path for e in errors]  # outdated, but a real version
    translation.write_text(
        translation.read_text().replace(
            translation.read_text().split("source_hash: ")[1][:16], "abcdefabcdefabcd"
        ),
        encoding="utf-8",
    )
    errors = checks.check_translation_versions(content_dir, checked(content_dir))
    assert "ar/rights/wages.md" in [e.path for e in errors]
    assert all("matches no version" in e.reason for e in errors)


def test_coverage_counts_current_outdated_and_missing(content_dir):
    table = {row["lang"]: row for row in checks.coverage(checked(content_dir))}
    assert table["en"]["current"] == table["en"]["total"] == 13
    assert table["ne"].get("outdated") == 1 and table["ne"]["current"] == 2
    assert table["ne"]["missing"] == 10


def test_check_command_prints_coverage_and_fails_on_unknown_source_version(runner):
    # The fixture's Nepali passport page claims a source version that never existed.
    result = runner.invoke(args=["content", "check", "--coverage"])
    assert result.exit_code == 1
    assert "ne/rights/passport.md: source_hash 0123456789abcdef matches no version" in result.output
    assert "language" in result.output and "ne" in result.output

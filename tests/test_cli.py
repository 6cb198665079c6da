"""Command line: every command documents itself; content build and check fail loudly."""

from __future__ import annotations

import pytest

from migrant_info.cli import content_cli


@pytest.mark.parametrize("name", sorted(content_cli.commands))
def test_every_command_has_help(runner, name):
    result = runner.invoke(args=["content", name, "--help"])
    assert result.exit_code == 0
    assert content_cli.commands[name].help
    assert "Usage:" in result.output


def test_content_build_reports_count(runner):
    result = runner.invoke(args=["content", "build"])
    assert result.exit_code == 0, result.output
    assert "21 pages" in result.output


def test_content_build_failure_names_file_and_keeps_index(runner, app, content_dir):
    assert runner.invoke(args=["content", "build"]).exit_code == 0
    (content_dir / "en/rights/bad.md").write_text("---\ntitle: x\n---\nbody\n", encoding="utf-8")
    result = runner.invoke(args=["content", "build"])
    assert result.exit_code == 1
    assert "en/rights/bad.md" in result.output
    assert "'summary' is required" in result.output
    assert "previous index is still being served" in result.output
    assert app.test_client().get("/en/rights/passport").status_code == 200


def test_content_check_exit_codes(runner, content_dir):
    runner.invoke(args=["content", "stamp", str(content_dir / "ne/rights/passport.md")])
    assert runner.invoke(args=["content", "check"]).exit_code == 0
    (content_dir / "en/rights/bad.md").write_text("no front matter", encoding="utf-8")
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "en/rights/bad.md:1: the file must start" in result.output


def test_stamp_marks_translation_current(runner, app, content_dir):
    result = runner.invoke(args=["content", "stamp", str(content_dir / "ne/rights/passport.md")])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["content", "build"]).exit_code == 0
    html = app.test_client().get("/ne/rights/passport").get_data(as_text=True)
    assert "changed since this translation" not in html


def test_stamp_refuses_source_pages(runner, content_dir):
    result = runner.invoke(args=["content", "stamp", str(content_dir / "en/rights/passport.md")])
    assert result.exit_code == 1
    assert "only translations" in result.output

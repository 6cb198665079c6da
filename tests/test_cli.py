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


@pytest.mark.parametrize("name", ["export", "lan"])
def test_site_commands_have_help(runner, name):
    result = runner.invoke(args=[name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_lan_command_serves_the_site_with_waitress(tmp_path, content_dir):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "MIGRANT_INFO_INSTANCE_DIR": str(tmp_path / "lan"),
        "MIGRANT_INFO_CONTENT_DIR": str(content_dir),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "migrant_info", "lan", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert b"Migrant info" in body
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/" in output
    assert "█" in output or "▀" in output  # the QR code drawn in the terminal

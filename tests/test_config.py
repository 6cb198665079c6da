"""Configuration: folders outside the package resolve, secrets are generated privately."""

from __future__ import annotations

import stat
from pathlib import Path

from migrant_info import create_app
from migrant_info.config import ROOT


def test_static_translations_and_content_resolve_outside_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    app = create_app({"INSTANCE_DIR": str(tmp_path / "inst")})
    assert Path(app.static_folder) == ROOT / "static"
    assert (Path(app.static_folder) / "site.css").is_file()
    assert Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]) == ROOT / "translations"
    assert Path(app.config["CONTENT_DIR"]) == ROOT / "content"
    assert (ROOT / "content" / "en").is_dir()


def test_environment_variables_override_defaults(tmp_path, monkeypatch, content_dir):
    monkeypatch.setenv("MIGRANT_INFO_INSTANCE_DIR", str(tmp_path / "envinst"))
    monkeypatch.setenv("MIGRANT_INFO_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("MIGRANT_INFO_BASE_URL", "https://example.org")
    app = create_app()
    assert app.instance_path == str(tmp_path / "envinst")
    assert app.config["CONTENT_DIR"] == str(content_dir)
    assert app.config["BASE_URL"] == "https://example.org"


def test_secret_key_is_generated_once_owner_only(tmp_path, content_dir):
    config = {"INSTANCE_DIR": str(tmp_path / "inst"), "CONTENT_DIR": str(content_dir)}
    first = create_app(config)
    key_file = tmp_path / "inst" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) == 32
    assert create_app(config).config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_secrets_never_reach_the_log_or_a_response(tmp_path, content_dir, caplog, runner):
    import logging

    from migrant_info.push import keys

    caplog.set_level(logging.DEBUG)
    app = create_app({"INSTANCE_DIR": str(tmp_path / "inst"), "CONTENT_DIR": str(content_dir)})
    client = app.test_client()
    bodies = [client.get(url).data for url in ("/en/", "/api/push/key", "/nope", "/editor/login")]
    app.test_cli_runner().invoke(args=["push", "stats"])
    pem = (tmp_path / "inst" / keys.KEY_FILE).read_text()
    private_lines = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    secret = app.config["SECRET_KEY"]
    for text in [caplog.text, *(b.decode("utf-8", "replace") for b in bodies)]:
        assert secret.hex() not in text and repr(secret) not in text
        assert not any(line in text for line in private_lines)
    assert stat.S_IMODE((tmp_path / "inst" / keys.KEY_FILE).stat().st_mode) == 0o600

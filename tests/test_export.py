"""Static export: plain files, relative links that all resolve, an offline search index."""

from __future__ import annotations

import json

import pytest

from migrant_info.export import export_site, file_for, validate


@pytest.fixture
def exported(app, tmp_path):
    target = tmp_path / "usb"
    report = export_site(app, target)
    return target, report


@pytest.mark.parametrize(
    "path,file",
    [("/", "index.html"), ("/en/", "en/index.html"), ("/en/rights/", "en/rights/index.html"),
     ("/en/rights/passport", "en/rights/passport/index.html"), ("/static/site.css?v=1", "static/site.css"),
     ("/s/abcde.svg", "s/abcde.svg"), ("/api/offline/ne.json", "api/offline/ne.json")],
)  # fmt: skip
def test_file_for(path, file):
    assert file_for(path) == file


def test_every_link_resolves(exported):
    target, report = exported
    assert report.broken == []
    assert validate(target) == []
    for rel in ("index.html", "ne/index.html", "ne/rights/passport/index.html", "ne/search/index.html",
                "en/remittances/calculator/index.html", "sw.js", "ne/manifest.webmanifest",
                "api/offline/ne.json", "search-index/ne.js", "static/site.css"):  # fmt: skip
        assert (target / rel).is_file(), rel


def test_no_absolute_internal_urls_left(exported):
    target, _ = exported
    html = (target / "ne/rights/passport/index.html").read_text(encoding="utf-8")
    assert 'href="/' not in html and 'src="/' not in html and 'action="/' not in html
    assert 'href="../../../static/site.css"' in html


def test_server_only_links_become_plain_text(exported):
    target, _ = exported
    html = (target / "en/legal-channels/index.html").read_text(encoding="utf-8")
    assert "route-finder" not in html and "data-unavailable-offline" in html


def test_search_index_holds_each_language(exported):
    target, _ = exported
    script = (target / "search-index/ne.js").read_text(encoding="utf-8")
    entries = json.loads(script.removeprefix("window.SEARCH_INDEX = ").rstrip(";\n"))
    assert any("राहदानी" in e["x"] for e in entries)
    assert all(e["u"].endswith("index.html") for e in entries)


def test_offline_pack_lists_exported_files(exported):
    target, _ = exported
    pack = json.loads((target / "api/offline/ne.json").read_text(encoding="utf-8"))
    for entry in pack["emergency"]:
        assert (target / entry["url"].lstrip("/")).is_file(), entry["url"]
    assert '"/{lang}/offline/index.html"' in (target / "sw.js").read_text()


def test_export_command(runner, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "out"), "--lang", "ne", "--zip"])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and (tmp_path / "out.zip").is_file()
    assert (tmp_path / "out/ne/index.html").is_file() and not (tmp_path / "out/ar").exists()

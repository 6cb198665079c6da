"""Interface catalogs: extraction is up to date, each catalog compiles, is complete and works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from migrant_info.catalogs import load, problems
from migrant_info.config import ROOT

TRANSLATIONS = ROOT / "translations"
CATALOGS = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_every_template_string_is_extracted(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_l",
         "--no-location", "-o", str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    expected = {m.id for m in load(fresh) if m.id}
    committed = {m.id for m in load(TRANSLATIONS / "messages.pot") if m.id}
    assert expected == committed, "run scripts/i18n.sh update"


def test_there_are_catalogs():
    assert {p.parts[-3] for p in CATALOGS} >= {"ar", "ne"}


@pytest.mark.parametrize("po", CATALOGS, ids=[p.parts[-3] for p in CATALOGS])
def test_catalog_compiles_with_msgfmt_check(po, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "messages.mo"), str(po)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("po", CATALOGS, ids=[p.parts[-3] for p in CATALOGS])
def test_catalog_is_complete(po):
    assert problems(po, load(TRANSLATIONS / "messages.pot")) == []


@pytest.mark.parametrize("lang", ["ar", "ne"])
def test_interface_is_translated_on_reader_pages(client, lang):
    from flask_babel import force_locale, gettext

    html = client.get(f"/{lang}/").get_data(as_text=True)
    with client.application.test_request_context(), force_locale(lang):
        skip = gettext("Skip to main content")
    assert skip != "Skip to main content"
    assert skip in html

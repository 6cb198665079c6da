"""First view fits in TCP's initial window: HTML plus its CSS and JavaScript, gzipped, <= 14 KB."""

from __future__ import annotations

import re

import pytest

from migrant_info import create_app

PAGES = ["", "rights/", "rights/passport", "search?q=passport", "notices", "remittances/calculator",
         "trafficking/self-check", "legal-channels/route-finder", "trafficking/helplines?country=NP"]  # fmt: skip


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path_factory.mktemp("budget"))})
    client = app.test_client()
    client.get("/en/")
    return client


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path", PAGES)
def test_first_view_fits_in_14_kb(shipped, lang, path):
    url = f"/{lang}/{path}"
    gzip = {"Accept-Encoding": "gzip"}
    page = shipped.get(url, headers=gzip)
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    html = shipped.get(url).get_data(as_text=True)
    assets = re.findall(r'<(?:link rel="stylesheet"|script) (?:href|src)="(/static/[^"]+)"', html)
    total = len(page.data) + sum(len(shipped.get(asset, headers=gzip).data) for asset in assets)
    assert assets and total <= 14 * 1024, (url, total)

"""Offline endpoints: worker versioning, manifest, pack lists, clearing, and the byte budgets."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from migrant_info import create_app
from migrant_info.config import ROOT
from migrant_info.content import get_index, index, store


def worker_version(client) -> str:
    return re.search(
        r'"version": "([0-9a-f]+)"', client.get("/sw.js").get_data(as_text=True)
    ).group(1)


def test_service_worker_is_served_at_root_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "/static/site.css?v=" in response.get_data(as_text=True)


def test_content_change_makes_a_new_worker_version(client, app, content_dir):
    before = worker_version(client)
    page = content_dir / "en/rights/wages.md"
    page.write_text(page.read_text() + "\nChanged.\n", encoding="utf-8")
    index.build(content_dir, Path(app.config["INDEX_PATH"]))
    assert worker_version(client) != before


@pytest.mark.parametrize("lang,direction", [("ar", "rtl"), ("ne", "ltr"), ("en", "ltr")])
def test_manifest_per_language(client, lang, direction):
    response = client.get(f"/{lang}/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    data = response.get_json(force=True)
    assert data["lang"] == lang and data["dir"] == direction
    assert data["start_url"] == data["scope"] == f"/{lang}/"
    purposes = {(i["sizes"], i["purpose"]) for i in data["icons"]}
    assert purposes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_pages_link_the_manifest_of_their_language(client):
    assert '<link rel="manifest" href="/ar/manifest.webmanifest">' in client.get("/ar/").get_data(
        as_text=True
    )


def test_unknown_language_manifest_is_404(client):
    assert client.get("/zz/manifest.webmanifest").status_code == 404
    assert client.get("/api/offline/zz.json").status_code == 404


def test_offline_list_has_emergency_pack_and_topics_with_sizes(client):
    data = client.get("/api/offline/ne.json").get_json()
    urls = [e["url"] for e in data["emergency"]]
    for expected in (
        "/ne/",
        "/ne/rights/",
        "/ne/trafficking/in-danger-now",
        "/ne/trafficking/helplines",
        "/ne/safety",
    ):
        assert expected in urls
    assert all(e["bytes"] > 0 for e in data["emergency"])
    assert [p["url"] for p in data["topics"]["remittances"]["pages"]] == [
        "/ne/remittances/mobile-money",
        "/ne/remittances/real-cost",
        "/ne/remittances/calculator",
    ]


def test_clear_sends_clear_site_data(client):
    for url in ("/clear", "/ne/clear"):
        response = client.get(url)
        assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
        assert response.headers["Cache-Control"] == "no-store"


def test_safety_page_offers_clear_my_traces_without_javascript(client):
    html = client.get("/ne/safety").get_data(as_text=True)
    assert 'href="/ne/clear"' in html and 'id="clear-traces"' in html


def test_javascript_budget():
    """Service worker plus all page JavaScript: at most 12 KB gzip-compressed."""
    code = b"".join(path.read_bytes() for path in sorted((ROOT / "static").glob("*.js")))
    assert len(gzip.compress(code, 9)) <= 12 * 1024


def test_emergency_pack_budget_in_every_shipped_language(tmp_path):
    """The emergency pack of one language, with the app shell: at most 200 KB transferred."""
    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path / "inst")})
    client = app.test_client()
    client.get("/languages")  # builds the index
    with app.test_request_context():
        langs = store.languages(get_index())
    gzip = {"Accept-Encoding": "gzip"}
    for lang in langs:
        data = client.get(f"/api/offline/{lang}.json").get_json()
        urls = data["shell"] + [entry["url"] for entry in data["emergency"]]
        transferred = sum(len(client.get(url, headers=gzip).data) for url in urls)
        assert transferred <= 200 * 1024, (lang, transferred)

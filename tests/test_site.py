"""Reader pages: the URL contract, language choice, honest notices, caching and privacy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.dates import format_date

from migrant_info.locales import display_name

CONTRACT_URLS = [
    "/languages",
    "/en/",
    "/ar/",
    "/ne/",
    "/en/rights/",
    "/en/legal-channels/",
    "/en/trafficking/",
    "/en/remittances/",
    "/ar/rights/",
    "/en/rights/passport",
    "/ar/rights/passport",
    "/ne/rights/passport",
    "/ne/rights/wages",
    "/en/safety",
    "/en/search?q=passport",
    "/ne/search?q=राहदानी",
]


@pytest.mark.parametrize("url", CONTRACT_URLS)
def test_contract_url_answers_with_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True).startswith("<!doctype html>")


@pytest.mark.parametrize(
    "accept,location",
    [
        ("ne-NP,ne;q=0.9,en;q=0.5", "/ne/"),
        ("ar-EG", "/ar/"),
        ("fr-FR,ar;q=0.4", "/ar/"),
        ("en-GB", "/en/"),
    ],
)
def test_root_negotiates_accept_language(client, accept, location):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == location
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("accept", ["", "fr-FR,de;q=0.5"])
def test_root_without_a_match_shows_the_chooser(client, accept):
    response = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for code, name in [("en", "English"), ("ar", "العربية"), ("ne", "नेपाली"), ("my", "မြန်မာ")]:
        assert f'href="/{code}/" lang="{code}"' in html and name in html


@pytest.mark.parametrize("lang,direction", [("ar", "rtl"), ("en", "ltr"), ("ne", "ltr")])
def test_html_lang_and_direction(client, lang, direction):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in html


def test_missing_translation_shows_source_with_notice_in_reader_language(client):
    html = client.get("/ne/rights/wages").get_data(as_text=True)
    assert '<html lang="ne"' in html
    assert '<article lang="en" dir="ltr">' in html
    assert "Wages and rest days" in html
    notice = re.search(r'<div class="notice" role="note">(.*?)</div>', html, re.S).group(1)
    assert "नेपाली" in notice and display_name("en", "ne") in notice


def test_fallback_notice_lists_languages_that_have_the_page(client):
    html = client.get("/ne/legal-channels/visas").get_data(as_text=True)
    assert "Visas and work permits" in html
    html = client.get("/bn/rights/wages").get_data(as_text=True)
    assert "not yet translated" in html or "অনুবাদ" in html


def test_outdated_translation_shows_notice_and_link_to_source(client):
    html = client.get("/ne/rights/passport").get_data(as_text=True)
    assert "राहदानी तपाईंको हो" in html
    assert 'href="/en/rights/passport"' in html
    assert html.count('class="notice"') >= 1
    current = client.get("/ar/rights/passport").get_data(as_text=True)
    assert '/en/rights/passport" lang="en" hreflang="en">' in current  # the other-languages list
    assert 'role="note"' in current  # machine translation notice
    assert "changed since this translation" not in current


def test_machine_translation_notice_disappears_once_reviewed(client, app, content_dir):
    page = content_dir / "ar/rights/passport.md"
    page.write_text(
        page.read_text().replace("reviewed_by: null", "reviewed_by: Amina"), encoding="utf-8"
    )
    from migrant_info import create_app

    fresh = create_app({"INSTANCE_DIR": app.instance_path, "CONTENT_DIR": str(content_dir)})
    html = fresh.test_client().get("/ar/rights/passport").get_data(as_text=True)
    assert 'role="note"' not in html


def test_every_page_links_to_its_translations_with_hreflang(client):
    html = client.get("/en/rights/passport").get_data(as_text=True)
    for code in ("ar", "ne", "hi", "bn", "my"):
        assert (
            f'<link rel="alternate" hreflang="{code}" href="http://127.0.0.1:5000/{code}/rights/passport">'
            in html
        )
        assert f'href="/{code}/rights/passport" lang="{code}" hreflang="{code}"' in html
    assert 'hreflang="x-default"' in html


def test_home_puts_urgent_help_before_topics(client):
    html = client.get("/en/").get_data(as_text=True)
    urgent = html.index('class="urgent"')
    assert urgent < html.index('class="topic-cards"')
    assert html.index("/en/trafficking/in-danger-now") > urgent
    for topic in ("rights", "legal-channels", "trafficking", "remittances"):
        assert f'href="/en/{topic}/"' in html


def test_topic_index_lists_its_pages(client):
    html = client.get("/en/rights/").get_data(as_text=True)
    assert "Your passport is yours" in html and "Wages and rest days" in html
    assert "Introduction to rights." in html


def test_topic_without_trailing_slash_redirects(client):
    response = client.get("/en/rights")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/en/rights/")


@pytest.mark.parametrize(
    "url",
    [
        "/zz/",
        "/en/holidays/",
        "/en/rights/nope",
        "/en/rights/Passport",
        "/en/rights/..%2f..%2fetc",
        "/en/nope",
        "/fr/",
        "/en/rights/passport.md",
        "/static/../pyproject.toml",
    ],
)
def test_unknown_urls_get_a_helpful_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'name="q"' in html and "/languages" in html


def test_404_in_reader_language(client):
    html = client.get("/ar/rights/nope").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert 'action="/ar/search"' in html


SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@pytest.mark.parametrize(
    "url", ["/en/", "/en/rights/passport", "/en/search?q=x", "/zz/", "/", "/languages"]
)
def test_security_headers_and_no_cookies(client, url):
    response = client.get(url, headers={"Accept-Language": "en"})
    for name, value in SECURITY.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "Set-Cookie" not in response.headers


def test_reader_pages_have_no_inline_script_or_third_party_requests(client):
    for url in ("/en/", "/ar/rights/", "/ne/rights/passport", "/en/search?q=passport"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url  # no inline script
        assert not re.search(r"\son[a-z]+=", html), url  # no event-handler attributes
        assert not re.search(r"<(script|img|iframe)[^>]+src=\"(https?:)?//", html), url
        fetched_links = re.findall(r'<link rel="(?!alternate)[^"]+" href="([^"]+)"', html)
        assert fetched_links and all(href.startswith("/") for href in fetched_links), url
        assert not re.search(r"\sstyle=", html), url  # inline styles would break the CSP


def test_reader_pages_are_publicly_cacheable_with_etag_and_304(client):
    response = client.get("/en/rights/passport")
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    etag = response.headers["ETag"]
    again = client.get("/en/rights/passport", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_stylesheet_is_hashed_and_immutable(client):
    html = client.get("/en/").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert re.fullmatch(r"/static/site\.css\?v=[0-9a-f]{10}", href)
    response = client.get(href)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_sources_and_review_date_shown(client):
    html = client.get("/en/rights/passport").get_data(as_text=True)
    assert "ILO Domestic Workers Convention" in html
    assert format_date(dt.date(2026, 11, 20), "long", locale="en") in html


def test_review_date_in_reader_locale(client):
    html = client.get("/ar/rights/passport").get_data(as_text=True)
    assert "نوفمبر" in html


def test_site_page_links_resolve(client):
    html = client.get("/en/rights/passport").get_data(as_text=True)
    assert 'href="wages"' in html and 'href="../trafficking/helplines"' in html
    assert client.get("/en/rights/wages").status_code == 200
    assert client.get("/en/trafficking/helplines").status_code == 200


@pytest.mark.parametrize(
    "accept, encoding",
    [("gzip", "gzip"), ("gzip, deflate, br", "br"), ("br;q=0.5, gzip", "gzip"), ("br", "br"),
     ("identity", None), ("", None)],
)  # fmt: skip
def test_pages_are_compressed_as_accepted_and_revalidate_across_encodings(client, accept, encoding):
    import gzip

    import brotli

    plain = client.get("/en/rights/passport", headers={"Accept-Encoding": "identity"})
    packed = client.get("/en/rights/passport", headers={"Accept-Encoding": accept})
    assert packed.headers.get("Content-Encoding") == encoding
    if encoding:
        assert "Accept-Encoding" in packed.headers["Vary"]
        decode = brotli.decompress if encoding == "br" else gzip.decompress
        assert decode(packed.data) == plain.data
        assert len(packed.data) < len(plain.data) / 2
    etag = packed.headers["ETag"]
    assert etag.startswith('W/"') and etag == plain.headers["ETag"]  # one ETag for every encoding
    again = client.get(
        "/en/rights/passport", headers={"If-None-Match": etag, "Accept-Encoding": "gzip"}
    )
    assert again.status_code == 304


def test_brotli_is_smaller_than_gzip_for_reader_pages(client):
    sizes = {
        enc: len(client.get("/en/rights/passport", headers={"Accept-Encoding": enc}).data)
        for enc in ("gzip", "br")
    }
    assert sizes["br"] < sizes["gzip"]


@pytest.mark.parametrize(
    "url, quality",
    [("/en/rights/passport", 11), ("/en/", 11), ("/en/search?q=passport", 5),
     ("/en/rights/passport?fbclid=x&utm_source=sms", 11), ("/en/rights/passport?print", 5)],
)  # fmt: skip
def test_brotli_is_best_for_canonical_pages_and_fast_for_answers_with_a_query(client, url, quality):
    # A page at its own URL is compressed once and read by many; a search answer is mostly
    # read once, and brotli's best quality costs ~40x the CPU for ~15 % fewer bytes.
    import brotli

    plain = client.get(url, headers={"Accept-Encoding": "identity"}).data
    packed = client.get(url, headers={"Accept-Encoding": "br"}).data
    assert packed == brotli.compress(plain, quality=quality)

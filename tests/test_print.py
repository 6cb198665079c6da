"""Print views for classrooms: no navigation, QR and short link, sources; facilitator notes."""

from __future__ import annotations


def test_page_print_view_has_qr_short_link_and_footer(client):
    html = client.get("/en/rights/passport?print").get_data(as_text=True)
    assert 'class="topics-nav"' not in html and 'class="exit"' not in html
    assert 'class="qr"' in html and "http://127.0.0.1:5000/s/" in html
    assert "Facts last checked" in html and "ILO Domestic Workers Convention" in html


def test_facilitator_notes_only_in_facilitator_edition(client):
    reader = client.get("/en/rights/wages").get_data(as_text=True)
    printed = client.get("/en/rights/wages?print").get_data(as_text=True)
    facilitator = client.get("/en/rights/wages?print=facilitator").get_data(as_text=True)
    assert "What would you do if your pay was late?" not in reader + printed
    assert "What would you do if your pay was late?" in facilitator and "30 minutes" in facilitator


def test_whole_topic_prints_intro_and_every_page(client):
    html = client.get("/ar/rights/print").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert html.count('class="print-page"') == 3
    assert client.get("/en/holidays/print").status_code == 404

"""Print to PDF in real Chromium, left-to-right and right-to-left."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pdf_has_qr_code_short_link_and_footer(page, live_server, lang):
    page.goto(f"{live_server.url}/{lang}/rights/passport?print")
    page.emulate_media(media="print")
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    box = qr.bounding_box()
    assert box["width"] >= 100
    body = page.locator("article h1").bounding_box()
    # The QR code sits in the margin on the side where lines end: right in English, left in Arabic.
    assert (box["x"] > body["x"]) if lang == "en" else (box["x"] < body["x"] + body["width"] / 2)
    pdf = page.pdf(format="A4", print_background=True)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "/s/" in text
    assert "ILO Domestic Workers Convention" in text
    reader = PdfReader(io.BytesIO(pdf))
    assert (
        any("/XObject" in str(p.get("/Resources", {})) or "/Image" in str(p) for p in reader.pages)
        or len(pdf) > 5000
    )

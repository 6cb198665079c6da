"""/editor/stats: login, charts with their tables, translate-next, empty searches, no inline code."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from migrant_info.stats import charts
from tests.stats_login import log_in


def test_the_dashboard_needs_a_login(client):
    response = client.get("/editor/stats")
    assert response.status_code == 302 and "/editor/login" in response.headers["Location"]


def test_dashboard_shows_what_readers_did(app, client):
    for url in (
        "/ne/rights/wages",
        "/ne/rights/wages",
        "/ne/rights/passport",
        "/en/rights/wages",
        "/en/search?q=zzzqqq",
    ):
        assert client.get(url).status_code == 200
    client.post("/en/feedback", data={"topic": "rights", "slug": "wages", "helpful": "no"})
    log_in(app, client)
    response = client.get("/editor/stats")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    # ne has no wages page: read twice in Nepali, so it is first to translate; passport exists in ne.
    translate = re.search(r'id="table-translate">(.*?)</table>', html, re.S)[1]
    assert "<td>ne</td><td>rights/wages</td><td>2</td>" in translate
    assert "rights/passport" not in translate
    empty = re.search(r'id="table-empty">(.*?)</table>', html, re.S)[1]
    assert "(other queries)" in empty and "zzzqqq" not in html
    assert "rights/wages</th><td>0</td><td>1</td><td>0%" in html
    # CSP: no inline script or style on editor pages.
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert 'href="/editor/stats"' in client.get("/editor/").get_data(as_text=True)


def test_bad_dates_fall_back_to_the_last_thirty_days(app, client):
    log_in(app, client)
    assert client.get("/editor/stats?from=soon&to=2026-99-01").status_code == 200


def test_bar_chart_escapes_labels_and_scales_to_the_largest_value():
    svg = charts.bar_chart("c", "Title <b>", [("<script>", 10), ("b", 5)])
    root = ET.fromstring(svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ns = "{http://www.w3.org/2000/svg}"
    widths = [float(r.get("width")) for r in root.iter(f"{ns}rect")]
    assert widths[0] == 2 * widths[1]
    assert root.find(f"{ns}title").text == "Title <b>"


def test_line_chart_draws_one_line_per_series():
    svg = charts.line_chart(
        "l", "Views", ["2026-01-01", "2026-01-02"], {"rights": [1, 3], "_site": [0, 0]}
    )
    root = ET.fromstring(svg)
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2 and len(lines[0].get("points").split()) == 2


def test_empty_charts_say_so():
    assert "No data yet" in charts.bar_chart("e", "Nothing", [])

"""Helplines data: validated at build time; shown with tel: links, sources and honest warnings."""

from __future__ import annotations

import pytest

from migrant_info.content import helplines

BASE = """entries:
  - id: XX-1
    country: NP
    organisation: Test line
    purpose: trafficking
    phone: "1141"
    sources:
      - url: https://example.org/x
        kind: organisation
        date: 2025-01-01
"""


@pytest.mark.parametrize(
    "change,reason",
    [
        (('phone: "1141"', 'phone: "call 1141"'), "must be digits and spaces"),
        (('phone: "1141"', "phone: 1141"), "'phone' is required and must be text"),
        (("kind: organisation", "kind: rumour"), "kind must be one of"),
        (("https://example.org/x", "ftp://example.org/x"), "needs an http(s) url"),
        (("date: 2025-01-01", "date: yesterday"), "date must be YYYY-MM-DD"),
        (("purpose: trafficking", "purpose: fun"), "purpose must be one of"),
        (("country: NP", "country: Nepal"), "must be an ISO code"),
        (
            ("organisation: Test line", "organisation: Test line\n    colour: red"),
            "unknown key 'colour'",
        ),
        (
            (
                "    sources:\n      - url: https://example.org/x\n        kind: organisation\n        date: 2025-01-01\n",
                "",
            ),
            "needs at least one source",
        ),
    ],
    ids=[
        "phone-text",
        "phone-number",
        "kind",
        "url",
        "date",
        "purpose",
        "country",
        "unknown-key",
        "no-source",
    ],
)
def test_bad_entries_are_reported_with_line(tmp_path, change, reason):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/helplines.yaml").write_text(BASE.replace(*change), encoding="utf-8")
    lines, _directory, errors = helplines.load(tmp_path)
    assert not lines
    assert len(errors) == 1 and reason in errors[0].reason, errors
    assert errors[0].path == "data/helplines.yaml" and errors[0].line == 2


def test_duplicate_ids_are_refused(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/helplines.yaml").write_text(
        BASE + BASE.split("entries:\n")[1], encoding="utf-8"
    )
    _lines, _directory, errors = helplines.load(tmp_path)
    assert [e.reason for e in errors] == ["helpline id XX-1 is used twice"]


def test_bad_helplines_file_fails_the_build(runner, content_dir):
    data = content_dir / "data/helplines.yaml"
    data.write_text(data.read_text().replace('"1141"', '"eleven"', 1), encoding="utf-8")
    result = runner.invoke(args=["content", "build"])
    assert result.exit_code == 1
    assert "data/helplines.yaml" in result.output and "NP-1" in result.output


def test_helplines_page_lists_numbers_as_tap_to_call_with_sources(client):
    html = client.get("/en/trafficking/helplines").get_data(as_text=True)
    assert 'href="tel:08000121700"' in html and 'href="tel:+9771141"' in html
    assert "www.modernslaveryhelpline.org" in html and "s own page" in html
    assert "undated" in html


def test_press_only_numbers_carry_a_warning_and_the_directory(client):
    html = client.get("/en/trafficking/helplines?country=NP").get_data(as_text=True)
    assert "Not confirmed by the organisation" in html
    assert "globalmodernslavery.org" in html
    assert "08000 121 700" not in html  # filtered to Nepal


def test_confirmed_country_has_no_warning(client):
    html = client.get("/en/trafficking/helplines?country=GB").get_data(as_text=True)
    assert "08000 121 700" in html
    assert "Not confirmed by the organisation" not in html


@pytest.mark.parametrize("country", ["ZZ", "<script>", "np' or 1=1", "x" * 500])
def test_unknown_country_filter_is_a_clear_message(client, country):
    response = client.get("/en/trafficking/helplines", query_string={"country": country})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "no helplines listed for that country" in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_helplines_page_in_other_language_names_countries_in_that_language(client):
    html = client.get("/ne/trafficking/helplines").get_data(as_text=True)
    assert "नेपाल" in html and 'href="tel:1141"' in html

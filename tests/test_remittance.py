"""Remittance cost arithmetic (World Bank RPW definitions) and the calculator page."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from migrant_info import remittance

VECTORS = json.loads((Path(__file__).parent / "fixtures/remittance_vectors.json").read_text())


def offer(**values) -> remittance.Offer:
    return remittance.Offer(**{k: Decimal(v) for k, v in values.items()})


@pytest.mark.parametrize("vector", VECTORS, ids=[str(i) for i in range(len(VECTORS))])
def test_shared_vectors(vector):
    result = remittance.cost(offer(**vector["in"]))
    for key, expected in vector["out"].items():
        assert getattr(result, key).quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal(expected), (
            key
        )


@pytest.mark.parametrize(
    "values,field,code",
    [
        ({"amount": "0"}, "amount", "amount-positive"),
        ({"amount": "-5"}, "amount", "amount-positive"),
        ({"amount": "1000000001"}, "amount", "amount-too-large"),
        ({"mid_rate": "0"}, "mid_rate", "rate-positive"),
        ({"rate": "0"}, "rate", "rate-positive"),
        ({"flat_fee": "-1"}, "flat_fee", "fee-negative"),
        ({"percent_fee": "-1"}, "percent_fee", "fee-negative"),
        ({"flat_fee": "200"}, "flat_fee", "fee-too-large"),
        ({"percent_fee": "100"}, "percent_fee", "fee-too-large"),
    ],
)
def test_invalid_offers_are_refused(values, field, code):
    base = {"amount": "200", "mid_rate": "100", "rate": "98"} | values
    with pytest.raises(remittance.InvalidInput) as error:
        remittance.cost(offer(**base))
    assert (error.value.field, error.value.code) == (field, code)


def test_compare_puts_the_most_money_received_first():
    costs = remittance.compare(
        [
            offer(amount="200", mid_rate="100", rate="97"),
            offer(amount="200", mid_rate="100", rate="99", flat_fee="1"),
        ]
    )
    assert [c.offer.rate for c in costs] == [Decimal("99"), Decimal("97")]
    with pytest.raises(remittance.InvalidInput):
        remittance.compare([])


def test_more_margin_never_costs_less():
    previous = None
    for rate in ("100", "99.5", "99", "95", "50", "1"):
        total = remittance.cost(offer(amount="200", mid_rate="100", rate=rate)).total_percent
        assert previous is None or total > previous
        previous = total


@pytest.mark.parametrize(
    "text,lang,expected",
    [
        ("1250.50", "en", "1250.50"),
        ("1,250.50", "en", "1250.50"),
        ("1.250,50", "es", "1250.50"),
        ("1 250,5", "fr", "1250.5"),
        ("١٢٥٠٫٥", "ar", "1250.5"),
        ("۱۲۵۰", "ur", "1250"),
        ("१२५०", "ne", "1250"),
        ("১২৫০", "bn", "1250"),
        ("၁၂၅၀", "my", "1250"),
        ("200", "fr", "200"),
    ],
)
def test_numbers_in_local_digits_and_formats(text, lang, expected):
    assert remittance.parse_number(text, lang, "amount") == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1e999", "NaN", "12abc", "--5", "9" * 40])
def test_unreadable_numbers(text):
    with pytest.raises(remittance.InvalidInput) as error:
        remittance.parse_number(text, "en", "amount")
    assert error.value.code == "not-a-number"


def test_output_in_reader_number_format():
    assert remittance.money(Decimal("12345.675"), "fr") == "12\u202f345,68"
    assert remittance.percent(Decimal("6.175"), "en") == "6.18%"


def test_calculator_form_is_cacheable_and_posts_answers(client):
    response = client.get("/en/remittances/calculator")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public")
    assert 'method="post"' in response.get_data(as_text=True)


def test_calculator_compares_offers_without_javascript(client):
    response = client.post(
        "/en/remittances/calculator",
        data={
            "amount": "200",
            "mid_rate": "133.50",
            "rate_1": "130.83",
            "flat_1": "5",
            "name_2": "Bank",
            "rate_2": "132",
            "pct_2": "1",
        },
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True).split('id="calc-results"')[1]
    assert html.index("Bank") < html.index("Offer 1")  # Bank delivers more
    assert "26,400.00" in html and "4.50%" in html and "above the 3% target" in html


def test_calculator_errors_in_reader_language_keep_input(client):
    response = client.post(
        "/ar/remittances/calculator", data={"amount": "٢٠٠", "mid_rate": "0", "rate_1": "x"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#mid_rate"' in html and 'href="#rate_1"' in html
    assert 'value="٢٠٠"' in html  # what the reader typed is kept
    assert 'lang="ar"' in html


def test_calculator_unknown_language(client):
    assert client.post("/zz/remittances/calculator", data={}).status_code == 404

"""Remittance cost calculator view: up to four offers compared, in the reader's number format."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .. import http, remittance
from ..content import require_language
from ..content.datafiles import read_mapping
from ..locales import country_name
from . import bp, private

CALC_MESSAGES = {
    "missing": _l("Please enter this number."),
    "not-a-number": _l("We cannot read this number. Use digits, for example 200 or 1250.50."),
    "amount-positive": _l("The amount must be more than zero."),
    "amount-too-large": _l("This amount is too large."),
    "rate-positive": _l("The exchange rate must be more than zero."),
    "fee-negative": _l("A fee cannot be less than zero."),
    "fee-too-large": _l("The fee must be smaller than the amount you send."),
    "offers-count": _l("Enter the exchange rate of at least one offer."),
}


# Which form field shows an error about an offer's value.
OFFER_FIELDS = {"rate": "rate_{i}", "flat_fee": "flat_{i}", "percent_fee": "pct_{i}"}


def reference_rates() -> dict:
    """Editor-maintained, dated reference rates (content/data/rates.yaml), if any."""
    data, _errors = read_mapping(Path(current_app.config["CONTENT_DIR"]), "data/rates.yaml")
    return data if isinstance(data.get("rates"), list) else {}


def _offers_from_form(form: dict, lang: str) -> tuple[list[remittance.Offer], dict[str, str]]:
    errors: dict[str, str] = {}
    offers = []

    def number(field: str, required: bool = True):
        try:
            return remittance.parse_number(form.get(field, ""), lang, field, required)
        except remittance.InvalidInput as exc:
            errors[field] = exc.code
            return None

    amount = number("amount")
    mid_rate = number("mid_rate")
    for field, value in (("amount", amount), ("mid_rate", mid_rate)):
        if value is not None and value <= 0:
            errors[field] = "amount-positive" if field == "amount" else "rate-positive"
    for i in range(1, remittance.MAX_OFFERS + 1):
        if not (form.get(f"rate_{i}") or "").strip():
            continue
        rate = number(f"rate_{i}")
        flat = number(f"flat_{i}", required=False)
        pct = number(f"pct_{i}", required=False)
        if errors or None in (amount, mid_rate, rate, flat, pct):
            continue
        name = (form.get(f"name_{i}") or "").strip()[:40] or gettext("Offer %(number)d", number=i)
        offer = remittance.Offer(
            amount=amount, rate=rate, mid_rate=mid_rate, flat_fee=flat, percent_fee=pct, name=name
        )
        try:
            remittance.validate(offer)
        except remittance.InvalidInput as exc:
            errors[OFFER_FIELDS.get(exc.field, exc.field).format(i=i)] = exc.code
            continue
        offers.append(offer)
    if not offers and not errors:
        errors["rate_1"] = "offers-count"
    return offers, errors


@bp.route("/<lang:lang>/remittances/calculator", methods=["GET", "POST"])
def calculator(lang: str) -> Response:
    """Compare up to four ways of sending money: fee, margin, total cost, amount received."""
    require_language(lang)
    costs, errors = [], {}
    if request.method == "POST":
        offers, errors = _offers_from_form(request.form, lang)
        if not errors:
            costs = remittance.compare(offers)
    html = render_template(
        "tools/calculator.html",
        form=request.form,
        costs=costs,
        errors={field: CALC_MESSAGES[code] for field, code in errors.items()},
        money=lambda value: remittance.money(value, lang),
        percent=lambda value: remittance.percent(value, lang),
        sdg=remittance.SDG_TARGET_PERCENT,
        average=remittance.GLOBAL_AVERAGE,
        rates=reference_rates(),
        country_name=country_name,
    )
    response = Response(html, status=422 if errors else 200)
    # The empty form is the same for everyone; anything computed from answers is private.
    return private(response) if request.method == "POST" else http.public_cache(response)

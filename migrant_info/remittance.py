"""What sending money costs, by the World Bank's Remittance Prices Worldwide definitions.

Total cost = fee + exchange-rate margin cost, as a share of the amount sent. The margin is
(mid-market rate - rate offered) / mid-market rate, applied to the amount converted. The fee
is paid on top of the amount sent. All arithmetic is Decimal; rounding happens only for display.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

SDG_TARGET_PERCENT = Decimal("3")  # SDG 10.c: average cost below 3% by 2030
SDG_CORRIDOR_MAX_PERCENT = Decimal("5")  # and no corridor above 5%
GLOBAL_AVERAGE = {
    "percent": Decimal("6.18"),
    "period": "Q3 2023",
    "title": "World Bank, Remittance Prices Worldwide, Issue 47 (September 2023)",
    "url": "https://remittanceprices.worldbank.org",
}
MAX_AMOUNT = Decimal("1000000000")
MAX_OFFERS = 4
CENT = Decimal("0.01")
NUMBER_CHARS = re.compile(r"[-+]?[0-9][0-9.,' ]*")  # digits and separators: no exponents or words


class InvalidInput(ValueError):
    """A value the reader typed cannot be used; `code` names the message to show."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


@dataclass(frozen=True)
class Offer:
    """One provider's offer for sending `amount` (in the sending currency)."""

    amount: Decimal
    rate: Decimal  # receiving currency per unit of sending currency, as offered
    mid_rate: Decimal  # the reference mid-market rate
    flat_fee: Decimal = Decimal(0)
    percent_fee: Decimal = Decimal(0)
    name: str = ""


@dataclass(frozen=True)
class Cost:
    """The cost of one offer, in the sending currency unless named otherwise."""

    offer: Offer
    fee: Decimal
    margin_percent: Decimal
    margin_cost: Decimal
    total_cost: Decimal
    total_percent: Decimal
    received: Decimal  # in the receiving currency
    paid: Decimal  # amount plus fee

    @property
    def meets_sdg_target(self) -> bool:
        """Below the SDG 10.c target of 3%."""
        return self.total_percent < SDG_TARGET_PERCENT


def validate(offer: Offer) -> None:
    """Raise InvalidInput for values the arithmetic must not accept."""
    if offer.amount <= 0:
        raise InvalidInput("amount", "amount-positive")
    if offer.amount > MAX_AMOUNT:
        raise InvalidInput("amount", "amount-too-large")
    if offer.mid_rate <= 0:
        raise InvalidInput("mid_rate", "rate-positive")
    if offer.rate <= 0:
        raise InvalidInput("rate", "rate-positive")
    if offer.flat_fee < 0:
        raise InvalidInput("flat_fee", "fee-negative")
    if offer.percent_fee < 0:
        raise InvalidInput("percent_fee", "fee-negative")
    if offer.percent_fee >= 100:
        raise InvalidInput("percent_fee", "fee-too-large")
    if fee_of(offer) >= offer.amount:
        raise InvalidInput("flat_fee", "fee-too-large")


def fee_of(offer: Offer) -> Decimal:
    """Flat fee plus percentage fee on the amount sent."""
    return offer.flat_fee + offer.amount * offer.percent_fee / 100


def cost(offer: Offer) -> Cost:
    """Fee, margin, total cost (money and percent) and the amount received."""
    validate(offer)
    fee = fee_of(offer)
    margin = (offer.mid_rate - offer.rate) / offer.mid_rate
    margin_cost = offer.amount * margin
    total = fee + margin_cost
    return Cost(
        offer=offer,
        fee=fee,
        margin_percent=margin * 100,
        margin_cost=margin_cost,
        total_cost=total,
        total_percent=total / offer.amount * 100,
        received=offer.amount * offer.rate,
        paid=offer.amount + fee,
    )


def compare(offers: list[Offer]) -> list[Cost]:
    """Costs of up to four offers, the one that delivers the most money first."""
    if not 1 <= len(offers) <= MAX_OFFERS:
        raise InvalidInput("offers", "offers-count")
    return sorted((cost(o) for o in offers), key=lambda c: (-c.received, c.total_cost))


def to_digits(text: str) -> str:
    """Turn any Unicode decimal digits (Arabic-Indic, Devanagari, Bengali, Burmese…) into 0-9."""
    out = []
    for char in text.strip():
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
        elif char == "\u066b":  # Arabic decimal separator
            out.append(".")
        elif char in "\u066c\u00a0\u202f":  # Arabic thousands separator, no-break spaces
            out.append("," if char == "\u066c" else " ")
        else:
            out.append(char)
    return "".join(out)


def parse_number(text: str, lang: str, field: str, required: bool = True) -> Decimal:
    """Read a number as the reader wrote it, in their locale's format or plain 1234.5."""
    cleaned = to_digits(text or "")
    if not cleaned:
        if required:
            raise InvalidInput(field, "missing")
        return Decimal(0)
    if len(cleaned) > 32 or not NUMBER_CHARS.fullmatch(cleaned):
        raise InvalidInput(field, "not-a-number")
    for locale in (lang, "en"):
        try:
            value = parse_decimal(cleaned.replace(" ", ""), locale=locale, strict=False)
        except (NumberFormatError, InvalidOperation, ValueError):
            continue
        if value.is_finite():
            return value
    raise InvalidInput(field, "not-a-number")


def money(value: Decimal, lang: str) -> str:
    """A money amount rounded half-up to cents, in the reader's number format."""
    return format_decimal(value.quantize(CENT, ROUND_HALF_UP), format="#,##0.00", locale=lang)


def percent(value: Decimal, lang: str) -> str:
    """A percentage to two decimals, e.g. '6.18%'."""
    return format_decimal(value.quantize(CENT, ROUND_HALF_UP), format="0.00", locale=lang) + "%"

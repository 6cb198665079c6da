"""Property tests (Hypothesis): sanitising, SMS segments, remittance arithmetic, front matter.
Bounded example counts keep the suite fast; a longer run is `--hypothesis-profile=long`."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrant_info import remittance, sms
from migrant_info.content.discover import read_page
from migrant_info.content.model import ContentError
from migrant_info.content.render import render_markdown

settings.register_profile("ci", max_examples=150, deadline=None)
settings.register_profile("long", max_examples=5000, deadline=None)
settings.load_profile("ci")

DANGEROUS = [
    "<script",
    "javascript:",
    "onerror",
    "onload",
    "onclick",
    "<style",
    "<iframe",
    "data:",
    "srcdoc",
    "<svg",
]
FRAGMENTS = st.sampled_from(
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
     "<a href='jav&#x09;ascript:alert(1)'>x</a>", "<svg/onload=alert(1)>", "<style>*{}</style>",
     "<iframe srcdoc='<script>1</script>'>", "[x](data:text/html,hi)", "<div onclick=x>y</div>",
     "<<script>script>", "**bold**", "## heading", "| a | b |\n|---|---|\n| 1 | 2 |", "`code`"]
)  # fmt: skip


class ActiveContent(HTMLParser):
    """Collects every element and attribute a browser would act on (text is harmless)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "iframe", "svg", "img", "object", "embed", "form", "math"}:
            self.found.append(tag)
        for name, value in attrs:
            url = "".join((value or "").split()).lower()
            if (
                name.startswith("on")
                or name in {"style", "srcdoc"}
                or url.startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.found.append(f"{tag}[{name}={value}]")


@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=8).map("\n\n".join))
def test_nothing_active_survives_sanitising(markdown):
    html, _ = render_markdown(markdown)
    parser = ActiveContent()
    parser.feed(html)
    assert parser.found == [], (markdown, html)


@given(st.text(max_size=400))
def test_sms_segments_invariants(text):
    result = sms.segments(text)
    single, part = sms.LIMITS[result.encoding]
    assert result.characters == len(text)
    assert (result.segments == 0) == (text == "")
    if result.units <= single:
        assert result.segments <= 1
    else:
        assert result.segments >= -(-result.units // part)  # never fewer parts than the units need
        assert 0 <= result.remaining < part
    assert (result.encoding == "UCS-2") == bool(result.forcing)


@given(
    st.text(alphabet="abc€^ó😀 ", max_size=300),
    st.text(alphabet="abc€^ó😀 ", min_size=1, max_size=5),
)
def test_sms_adding_text_never_needs_fewer_parts(text, more):
    assert sms.segments(text + more).segments >= sms.segments(text).segments


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("10000"), places=4)


@given(
    money,
    rates,
    st.decimals(min_value=0, max_value=Decimal("0.5"), places=4),
    st.decimals(min_value=0, max_value=Decimal("20"), places=2),
)
def test_remittance_total_is_fee_plus_margin(amount, mid, discount, percent_fee):
    rate = mid * (1 - discount)
    if rate <= 0:
        return
    offer = remittance.Offer(amount=amount, rate=rate, mid_rate=mid, percent_fee=percent_fee)
    cost = remittance.cost(offer)
    assert cost.total_cost == cost.fee + cost.margin_cost
    assert cost.received == amount * rate
    assert cost.margin_cost >= 0 and cost.total_percent >= 0
    worse = remittance.cost(
        remittance.Offer(
            amount=amount, rate=rate * Decimal("0.9"), mid_rate=mid, percent_fee=percent_fee
        )
    )
    assert worse.total_cost > cost.total_cost  # a worse rate always costs more


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_any_bytes_give_a_page_or_a_clear_error(tmp_path, data):
    path = tmp_path / "en" / "rights" / "fuzz.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"---\n" + data)
    try:
        page = read_page(path, tmp_path)
    except ContentError as error:
        assert error.path == "en/rights/fuzz.md" and error.reason
    else:
        assert page.title and len(page.summary) <= 160


XSS_VECTORS = (Path(__file__).parent / "fixtures" / "xss-vectors.txt").read_text().splitlines()


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_known_filter_evasion_vectors_are_inert(vector):
    """Vectors in the style of the OWASP XSS filter-evasion cheat sheet, raw and in a page."""
    for markdown in (vector, f"Text before.\n\n{vector}\n\nText after.", f"- item {vector}"):
        html, _ = render_markdown(markdown)
        parser = ActiveContent()
        parser.feed(html)
        assert parser.found == [], (vector, html)

"""SMS segment counting against a shared table of cases (the browser runs the same table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrant_info import sms

VECTORS = json.loads(
    (Path(__file__).parent / "fixtures/sms_vectors.json").read_text(encoding="utf-8")
)


def text_of(vector) -> str:
    return "".join(piece * times for piece, times in vector["text"])


def test_table_is_large_enough():
    assert len(VECTORS) >= 40


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_segments(vector):
    result = sms.segments(text_of(vector))
    assert (result.encoding, result.segments, result.units) == (
        vector["encoding"], vector["segments"], vector["units"]
    )  # fmt: skip


def test_remaining_in_current_segment():
    assert sms.segments("a" * 150).remaining == 10
    assert sms.segments("a" * 161).remaining == 153 - 8
    assert sms.segments("ó" + "a" * 9).remaining == 60


def test_forcing_characters_and_gsm_safe_replacement():
    result = sms.segments("It’s “free” – call now…")
    assert result.encoding == "UCS-2"
    assert set(result.forcing) == {"’", "“", "”", "–", "…"}
    assert result.replacements["’"] == "'"
    fixed = sms.gsm_safe("It’s “free” – call now…")
    assert fixed == 'It\'s "free" - call now...' and sms.segments(fixed).encoding == "GSM-7"


def test_nepali_forcing_has_no_replacement():
    result = sms.segments("राहदानी")
    assert result.forcing and result.replacements == {}


def test_segment_count_grows_with_text():
    previous = 0
    for n in range(0, 500, 7):
        count = sms.segments("x" * n).segments
        assert count >= previous
        previous = count

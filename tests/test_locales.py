"""Languages: one fallback order, names in their own script, direction from Babel."""

from __future__ import annotations

import pytest

from migrant_info.locales import (
    display_name,
    is_known_language,
    locale_order,
    native_name,
    negotiate,
    text_direction,
)


def test_locale_order_falls_back_to_the_source():
    assert locale_order("ne") == ["ne", "en"]
    assert locale_order("en") == ["en"]


@pytest.mark.parametrize(
    "code,name,direction",
    [
        ("ar", "العربية", "rtl"),
        ("ur", "اردو", "rtl"),
        ("ne", "नेपाली", "ltr"),
        ("am", "አማርኛ", "ltr"),
        ("my", "မြန်မာ", "ltr"),
        ("bn", "বাংলা", "ltr"),
        ("es", "Español", "ltr"),
    ],
)
def test_native_names_and_direction(code, name, direction):
    assert native_name(code) == name
    assert text_direction(code) == direction


@pytest.mark.parametrize("code", ["zz", "EN", "e", "en_US", "../etc", "", "abcd"])
def test_unknown_or_malformed_codes(code):
    assert not is_known_language(code)


def test_display_name_in_reader_language():
    assert display_name("ne", "en") == "Nepali"


def test_negotiate_uses_language_part_of_region_tags():
    assert negotiate(["ne-NP", "en"], ["en", "ne"]) == "ne"
    assert negotiate(["fr-CA"], ["en", "ne"]) is None

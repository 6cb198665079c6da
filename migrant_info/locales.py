"""Languages: codes, names in their own script, text direction, and the fallback order."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError, negotiate_locale
from werkzeug.routing import BaseConverter, ValidationError

SOURCE_LANG = "en"

# Scripts written without spaces between words: FTS5's word tokenizer cannot split
# them, so they are indexed with the trigram tokenizer (substring search).
UNSPACED_LANGS = frozenset({"my", "th", "km", "lo", "zh", "ja", "bo"})

LANG_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


def locale_order(lang: str) -> list[str]:
    """Return the languages to try for a reader of `lang`, best first (content and interface)."""
    return [lang] if lang == SOURCE_LANG else [lang, SOURCE_LANG]


@lru_cache(maxsize=256)
def babel_locale(lang: str) -> Locale | None:
    """Return Babel's locale for a language code, or None when Babel does not know it."""
    if not LANG_CODE.match(lang):
        return None
    try:
        loc = Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        return None
    # Babel drops subtags it does not know ("no-cache" parses as Norwegian): only a code that
    # survives the round trip names a language.
    return loc if str(loc).replace("_", "-").lower() == lang.lower() else None


def is_known_language(lang: str) -> bool:
    """True when `lang` is a well-formed code that Babel has locale data for."""
    return babel_locale(lang) is not None


@lru_cache(maxsize=512)
def native_name(lang: str) -> str:
    """The language's name written in that language (e.g. 'नेपाली' for ne)."""
    loc = babel_locale(lang)
    if loc is None:
        return lang
    name = loc.get_display_name(loc) or lang
    return name[:1].upper() + name[1:] if name[:1].islower() else name


def display_name(lang: str, in_lang: str) -> str:
    """The name of `lang` in the reader's language `in_lang`."""
    loc, reader = babel_locale(lang), babel_locale(in_lang)
    if loc is None or reader is None:
        return lang
    return loc.get_display_name(reader) or lang


def text_direction(lang: str) -> str:
    """'rtl' or 'ltr', from Babel's locale data."""
    loc = babel_locale(lang)
    return loc.text_direction if loc is not None else "ltr"


def negotiate(accept: list[str], available: list[str]) -> str | None:
    """Pick the best available language for an Accept-Language list (Babel's negotiation)."""
    return negotiate_locale(accept, available, sep="-")


class LangConverter(BaseConverter):
    """URL segment that looks like a language code; the view decides if it has content."""

    # "api" is excluded in the pattern too, so OPTIONS on /api/… lists only the API's methods.
    # (No "/" in the pattern: werkzeug would then stop matching this segment on its own.)
    regex = r"(?!api(?![A-Za-z0-9-]))[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?"

    def to_python(self, value: str) -> str:
        """Only codes Babel knows, so /api/… never reads as a page in a language 'api'."""
        if not is_known_language(value):
            raise ValidationError()
        return value


def country_name(code: str, lang: str) -> str:
    """A country's name in the reader's language (Babel's territory names)."""
    loc = babel_locale(lang) or babel_locale(SOURCE_LANG)
    return loc.territories.get(code, code) if loc is not None else code

"""Interface strings through Flask-Babel; the reader's language comes from the URL."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

from .locales import (
    SOURCE_LANG,
    babel_locale,
    display_name,
    is_known_language,
    native_name,
    text_direction,
)

babel = Babel()


def url_language() -> str | None:
    """The language in the URL's first segment, when it is a known language code."""
    lang = (request.view_args or {}).get("lang") if request else None
    if lang is None and request:
        first = request.path.strip("/").split("/", 1)[0]
        lang = first or None
    return lang if lang and is_known_language(lang) else None


def select_locale() -> str:
    """Flask-Babel's locale: the URL's language (as Babel spells it, pt_BR), else English."""
    lang = url_language()
    return str(babel_locale(lang)) if lang else SOURCE_LANG


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and the language helpers templates use."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        native_name=native_name, display_name=display_name, text_direction=text_direction
    )

"""Interface strings through Flask-Babel; the reader's language comes from the URL."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from gettext import NullTranslations

from flask import Flask, request
from flask_babel import Babel, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

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


@lru_cache(maxsize=64)
def template_gettext(translations: NullTranslations) -> dict[str, Callable]:
    """Jinja's newstyle `gettext`/`ngettext` over one catalog, as Flask-Babel installs them, but
    found once per render rather than once per string (a page has ~40 strings, and Flask-Babel's
    per-call lookup of the request's catalog was about a sixth of a page's render time)."""
    plain: dict[tuple[str, bool], str] = {}  # strings without variables: translated once

    @pass_context
    def gettext(context: Context, string: str, **variables: object) -> str:
        autoescape = context.eval_ctx.autoescape
        if not variables and (string, autoescape) in plain:
            return plain[string, autoescape]
        rv = translations.ugettext(string)
        # Newstyle semantics, as Jinja's own: the translation (from our compiled catalogs) is
        # markup, variables are escaped, and the string is always %-formatted ("%%" is "%").
        result = (Markup(rv) if autoescape else rv) % variables  # noqa: S704
        if not variables:
            plain[string, autoescape] = result
        return result

    @pass_context
    def ngettext(
        context: Context, singular: str, plural: str, num: int, **variables: object
    ) -> str:
        variables.setdefault("num", num)
        rv = translations.ungettext(singular, plural, num)
        return (Markup(rv) if context.eval_ctx.autoescape else rv) % variables  # noqa: S704

    return {"gettext": gettext, "ngettext": ngettext}


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and the language helpers templates use."""
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(lambda: template_gettext(get_translations()))
    app.jinja_env.globals.update(
        native_name=native_name, display_name=display_name, text_direction=text_direction
    )

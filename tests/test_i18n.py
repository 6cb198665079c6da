"""Template gettext: the per-render catalog gives exactly what Flask-Babel's own would."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from migrant_info.catalogs import load
from migrant_info.config import ROOT

CATALOGS = sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
TEMPLATES = {
    "gettext": "{{ _(s, **v) }}|{{ gettext(s, **v) }}",
    "ngettext": "{% for n in (1, 2, 5) %}{{ ngettext(s, p, n, **v) }}|{% endfor %}",
}


def variables(*messages: str) -> dict[str, object]:
    """Values for a message's placeholders; strings carry markup that must come out escaped."""
    found = {name: kind for message in messages for name, kind in PLACEHOLDER.findall(message)}
    found.pop("num", None)  # ngettext supplies it
    return {name: 3 if kind == "d" else "<b>&" for name, kind in found.items()}


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_template_strings_match_flask_babel_in_every_language(app, client, catalog):
    client.get("/en/")  # builds the index reader templates read
    lang = catalog.parent.parent.name
    for message in (m for m in load(catalog) if m.id):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        kind = "ngettext" if len(ids) == 2 else "gettext"
        context = {"s": ids[0], "p": ids[-1], "v": variables(*ids)}
        with app.test_request_context(f"/{lang}/"):
            ours = render_template_string(TEMPLATES[kind], **context)
            # Rendering the template object directly skips Flask's context processors, so
            # `_` resolves to what Flask-Babel installed in the environment.
            theirs = app.jinja_env.from_string(TEMPLATES[kind]).render(**context)
        assert ours == theirs, (lang, ids)
        if "<b>&" in str(context["v"].values()):
            assert "<b>" not in ours and "&lt;b&gt;&amp;" in ours


def test_a_forced_locale_inside_a_request_is_honoured(app, client):
    from flask_babel import force_locale

    client.get("/en/")
    with app.test_request_context("/en/"):
        english = render_template_string("{{ _('Search') }}")
        with force_locale("ar"):
            arabic = render_template_string("{{ _('Search') }}")
    assert english == "Search" and arabic != english

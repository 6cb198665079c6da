"""Search in every script the readers use, and every odd input answered with a page."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrant_info.content.search import normalize, parse_query, snippet, words


@pytest.mark.parametrize(
    "lang,query,expected_title",
    [
        ("en", "passports", "Your passport is yours"),  # whole words: 'passports' is in the body
        ("en", "EMPLOYER", "Your passport is yours"),
        ("ar", "عمال", "جواز سفرك ملك لك"),  # page says للعمال (li + al + noun)
        ("ar", "العمال", "جواز سفرك ملك لك"),
        ("ar", "الاجور", "جواز سفرك ملك لك"),  # page writes الأجور with hamza
        ("ar", "أجور", "جواز سفرك ملك لك"),
        ("ne", "रोजगारदाताले", "राहदानी तपाईंको हो"),  # vowel signs inside the word
        ("ne", "सुरक्षित", "तपाईं अहिले खतरामा हुनुहुन्छ भने"),
        ("hi", "नियोक्ता", "आपका पासपोर्ट आपका है"),
        ("bn", "নিয়োগকর্তা", "আপনার পাসপোর্ট আপনার"),
        ("my", "လက်မှတ်", "နိုင်ငံကူးလက်မှတ်သည် သင့်ပိုင်ဖြစ်သည်"),  # substring of a longer run
    ],
)
def test_search_finds_words_in_each_script(client, lang, query, expected_title):
    response = client.get(f"/{lang}/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert expected_title in html
    assert "<mark>" in html


def test_devanagari_words_are_not_split_at_vowel_signs(client):
    # With the default tokenizer 'रोजगारदाताले' would be split and 'र' would match it.
    html = client.get("/ne/search", query_string={"q": "र"}).get_data(as_text=True)
    assert "राहदानी तपाईंको हो" not in html


def test_results_are_ranked_title_first(client):
    # 'wages' is in the title of one page and only in the body of the other.
    html = client.get("/en/search", query_string={"q": "wages"}).get_data(as_text=True)
    assert 0 < html.index("Wages and rest days") < html.index("Your passport is yours")


def test_reader_language_results_include_untranslated_source_pages(client):
    html = client.get("/ar/search", query_string={"q": "mobile"}).get_data(as_text=True)
    assert "Mobile money" in html
    assert 'lang="en"' in html  # marked as English text inside an Arabic page


def test_translated_pages_are_not_shown_twice(client):
    html = client.get("/ar/search", query_string={"q": "passport"}).get_data(as_text=True)
    assert "Your passport is yours" not in html


@pytest.mark.parametrize(
    "query", ['"', "*", "NEAR(", "(", ")", "passport*", '"passport', "a AND OR NOT", "^", ":", "-"]
)
def test_fts_syntax_never_errors(client, query):
    response = client.get("/en/search", query_string={"q": query})
    assert response.status_code == 200


def test_symbols_only_query_explains_itself(client):
    html = client.get("/en/search", query_string={"q": '"*()'}).get_data(as_text=True)
    assert "Please type a word" in html


def test_empty_query_shows_the_form(client):
    response = client.get("/en/search?q=")
    assert response.status_code == 200
    assert b'name="q"' in response.data


def test_overlong_query_is_refused_politely(client):
    response = client.get("/en/search", query_string={"q": "passport " * 50})
    assert response.status_code == 400
    assert b"too long" in response.data


def test_no_results_message(client):
    html = client.get("/en/search", query_string={"q": "xylophone"}).get_data(as_text=True)
    assert "No pages found" in html


def test_unknown_language_search_is_404_page(client):
    response = client.get("/zz/search?q=passport")
    assert response.status_code == 404
    assert b'name="q"' in response.data


def test_snippet_escapes_html_in_text(client, content_dir):
    page = content_dir / "en/rights/wages.md"
    page.write_text(page.read_text() + "\nUse `<b>wages</b>` tags.\n", encoding="utf-8")
    from migrant_info import create_app

    app = create_app(
        {"INSTANCE_DIR": str(content_dir.parent / "i2"), "CONTENT_DIR": str(content_dir)}
    )
    html = app.test_client().get("/en/search?q=tags").get_data(as_text=True)
    assert "&lt;b&gt;" in html and "<b>wages</b>" not in html


def test_normalize_arabic_forms():
    assert normalize("الأجور") == normalize("اجور") == "اجور"
    assert normalize("وَالعُمّال") == "عمال"
    assert normalize("Café") == "cafe"


def test_parse_query_quotes_every_term():
    query = parse_query('NEAR("a" b*)', "en")
    assert query.fts() == '"near" "a" "b"'


def _reference_snippet_marks(text: str, terms: set[str]) -> list[str]:
    """Every word of `text` that a query for `terms` must match (the slow, obvious way)."""
    return [text[s:e] for s, e in words(text) if normalize(text[s:e]) in terms]


@pytest.mark.parametrize(
    "text,query,marked",
    [
        ("Keep your PASSPORT. " + "filler " * 200 + "Passports too.", "passport", ["PASSPORT"]),
        ("word " * 300 + "the Pásaporte and pasaporte", "pasaporte", ["Pásaporte", "pasaporte"]),
        ("كلام " * 300 + "حقوق العمّال والعمال", "العمال", ["العمّال", "والعمال"]),
        ("पाठ " * 300 + "रोजगारदाताले भन्यो", "रोजगारदाताले", ["रोजगारदाताले"]),
        ("Straße " * 3 + "strasse", "strasse", ["Straße", "Straße", "Straße", "strasse"]),
        ("no match here at all", "passport", []),
    ],
)
def test_snippet_marks_the_words_that_match_wherever_they_are(text, query, marked):
    """Matches deep in a long text, or written with accents, marks or case, are found."""
    html = str(snippet(text, parse_query(query, "en")))
    assert re.findall("<mark>(.*?)</mark>", html) == marked
    assert len(words(re.sub("<[^>]+>", "", html))) <= 28


@given(
    st.lists(st.sampled_from(["Work", "wörk", "worker", "paid", "PAID", "الأجر", "دفع", "x"]),
             max_size=120),
    st.sampled_from(["work", "paid", "اجر", "worker"]),
)  # fmt: skip
def test_snippet_marks_only_matching_words_and_finds_one_when_there_is_one(chosen, term):
    text = " ".join(chosen)
    query = parse_query(term, "en")
    html = str(snippet(text, query))
    marked = re.findall("<mark>(.*?)</mark>", html)
    expected = _reference_snippet_marks(text, set(query.terms))
    assert all(normalize(word) in query.terms for word in marked)
    assert bool(marked) == bool(expected)


@pytest.mark.parametrize("top", [1, 2, 5])
@pytest.mark.parametrize("limit", [1, 2, 20])
def test_searching_the_best_matches_first_gives_the_same_results(
    app, client, monkeypatch, top, limit
):
    """The first pass ranks only the best matches in all languages; never other results."""
    from migrant_info import content
    from migrant_info.content import store

    client.get("/languages")  # builds the index
    cases = [("ne", "money"), ("hi", "helpline"), ("en", "passport"), ("ar", "عمال")]
    with app.test_request_context():
        conn = content.get_index()
        for lang, text in cases:
            query = parse_query(text, lang)
            full = store.search(conn, lang, query, limit)  # TOP_HITS exceeds every match here
            assert full
            monkeypatch.setattr(store, "TOP_HITS", top)
            assert store.search(conn, lang, query, limit) == full
            monkeypatch.undo()

"""Warning-signs self-check: validated data, private answers, signs and helplines shown."""

from __future__ import annotations

import logging

import pytest

from migrant_info.content import selfcheck


def test_fixture_data_is_valid(content_dir):
    data, errors = selfcheck.load(content_dir)
    assert errors == [] and len(data["questions"]) == 11


@pytest.mark.parametrize(
    "change,reason",
    [
        (("id: overtime", "id: holidays"), "the 11 indicators in order"),
        (("en: Question about wages?", "fr: Question"), "needs an 'en' text"),
    ],
)
def test_bad_self_check_data_fails_the_build(runner, content_dir, change, reason):
    path = content_dir / "data/self-check.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    result = runner.invoke(args=["content", "build"])
    assert result.exit_code == 1
    assert "data/self-check.yaml" in result.output and reason in result.output


def test_questions_in_reader_language_with_fallback(client):
    html = client.get("/ar/trafficking/self-check").get_data(as_text=True)
    assert "هل يحتفظ صاحب العمل بجواز سفرك؟" in html
    assert '<legend lang="en">Question about wages?</legend>' in html
    assert 'method="post"' in html


def test_result_names_the_signs_that_apply_and_is_never_cached(client, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/en/trafficking/self-check", data={"documents": "yes", "wages": "no", "country": "GB"}
        )
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert '<li data-sign="documents">Keeping your identity documents' in html
    assert '<li data-sign="wages" hidden>' in html
    assert "08000 121 700" in html and "1141" not in html  # helplines for the chosen country
    assert "documents=yes" not in caplog.text and "Keeping your identity" not in caplog.text


def test_no_signs_result(client):
    html = client.post("/en/trafficking/self-check", data={"documents": "no"}).get_data(
        as_text=True
    )
    assert '<p id="no-signs">' in html and '<div id="some-signs" hidden>' in html


@pytest.mark.parametrize(
    "data", [{"documents": "<script>"}, {"country": "ZZ' or 1=1"}, {"x" * 300: "yes"}]
)
def test_odd_answers_are_harmless(client, data):
    response = client.post("/en/trafficking/self-check", data=data)
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]


def test_trafficking_topic_links_to_the_self_check(client):
    assert 'href="/en/trafficking/self-check"' in client.get("/en/trafficking/").get_data(
        as_text=True
    )

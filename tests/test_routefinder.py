"""Route finder, tested the way GOV.UK tests its flows: every question and outcome reachable,
every outcome's links resolve, Back and Change keep what is still valid."""

from __future__ import annotations

import re

import pytest

from migrant_info import routefinder
from migrant_info.config import ROOT
from migrant_info.content.discover import discover

URL = "/en/legal-channels/route-finder"


@pytest.fixture
def flow(content_dir):
    data, errors = routefinder.load(content_dir)
    assert errors == []
    return data


def post(client, answers, **extra):
    data = {f"a_{k}": v for k, v in answers.items()} | extra
    return client.post(URL, data=data)


def test_every_question_is_reachable(flow):
    asked = set()
    for answers in routefinder.all_paths(flow):
        partial: dict[str, str] = {}
        for qid, value in answers.items():
            asked.add(routefinder.next_question(flow, partial)["id"])
            partial[qid] = value
    assert asked == {q["id"] for q in flow["questions"]["questions"]}


def test_every_outcome_block_is_reachable(flow):
    seen_origins, seen_destinations, generic = set(), set(), False
    for answers in routefinder.all_paths(flow):
        result = routefinder.outcome(flow, answers)
        assert result["sources"], answers
        assert result["origin_steps"] or result["generic_steps"]
        if result["origin_steps"]:
            seen_origins.add(answers["origin"])
        if result["destination_steps"]:
            seen_destinations.add((answers["destination"], answers["purpose"]))
        generic = generic or bool(result["generic_steps"])
    assert seen_origins == set(flow["routes"]["origins"])
    expected = {
        (d, p) for d, ps in flow["routes"]["destinations"].items() for p in ps if p != "check_with"
    }
    assert seen_destinations == expected and generic


def test_job_offer_is_asked_only_for_work(flow):
    assert (
        routefinder.next_question(flow, {"origin": "NP", "destination": "QA", "purpose": "study"})[
            "id"
        ]
        == "agency"
    )
    assert (
        routefinder.next_question(flow, {"origin": "NP", "destination": "QA", "purpose": "work"})[
            "id"
        ]
        == "job_offer"
    )


def test_one_question_per_screen_then_a_cited_outcome(client):
    answers = {}
    for qid, value in [
        ("origin", "NP"),
        ("destination", "QA"),
        ("purpose", "work"),
        ("job_offer", "no"),
        ("agency", "yes"),
        ("fee", "yes"),
    ]:
        response = post(client, answers, q=qid, answer=value)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        answers[qid] = value
    html = response.get_data(as_text=True)
    assert "Your steps" in html and "Department of Foreign Employment" in html
    assert "Your employer applies for your work visa." in html
    assert "recruitment fees" in html and "Check that the agency is licensed" in html  # warnings
    assert "http://pk.nepalembassy.gov.np/attestation/" in html  # sources


def test_other_countries_get_the_generic_outcome(client):
    answers = {"origin": "other", "destination": "other", "purpose": "family", "agency": "no"}
    html = post(client, answers, q="fee", answer="no").get_data(as_text=True)
    assert "Steps for any country" in html and "https://www.ilo.org/fair-recruitment" in html


def test_back_shows_previous_question_with_its_answer(client):
    html = post(client, {"origin": "NP", "destination": "QA"}, q="purpose", action="back").get_data(
        as_text=True
    )
    assert "Which country do you want to go to?" in html
    assert 'value="QA" checked' in html


def test_change_keeps_later_answers_that_are_still_valid(client):
    answers = {
        "origin": "NP",
        "destination": "QA",
        "purpose": "work",
        "job_offer": "yes",
        "agency": "no",
        "fee": "no",
    }
    html = post(client, answers, action="change:purpose").get_data(as_text=True)
    assert "Why do you want to go?" in html and 'value="work" checked' in html
    html = post(client, answers, q="purpose", answer="study").get_data(as_text=True)
    assert "Your steps" in html  # agency and fee kept: straight to the outcome
    assert "A student visa usually limits" in html
    assert "written job offer" not in html.split("Your answers")[1]  # no longer applies, dropped


def test_missing_or_invalid_answer_is_a_clear_message(client):
    response = post(client, {}, q="origin", answer="XX")
    assert response.status_code == 422
    assert "Choose one answer." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"a_origin": "<script>", "q": "destination"},
        {"action": "change:nope"},
        {"a_" + "x" * 100: "1"},
    ],
)
def test_tampered_forms_are_harmless(client, data):
    response = client.post(URL, data=data)
    assert response.status_code in (200, 422)
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]


def test_legal_channels_topic_links_to_route_finder(client):
    assert f'href="{URL}"' in client.get("/en/legal-channels/").get_data(as_text=True)


def test_shipped_route_data_outcomes_all_resolve():
    content = ROOT / "content"
    flow, errors = routefinder.load(content)
    assert errors == []
    pages, _ = discover(content)
    keys = {f"{p.topic}/{p.slug}" for p in pages if p.lang == "en"}
    for answers in routefinder.all_paths(flow):
        result = routefinder.outcome(flow, answers)
        assert result["sources"] and all(
            re.match(r"https?://", s["url"]) for s in result["sources"]
        )
        for ref in result["pages"] + [w["page"] for w in result["warnings"]]:
            assert ref in keys, (answers, ref)


def test_outcome_steps_can_be_translated(client, content_dir):
    path = content_dir / "data/routes.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '      - "Get your labour permit before you leave."',
        '      - {en: "Get your labour permit before you leave.", ne: "जानुअघि श्रम स्वीकृति लिनुहोस्।"}',
    )
    path.write_text(text, encoding="utf-8")
    from migrant_info import create_app

    app = create_app(
        {"INSTANCE_DIR": str(content_dir.parent / "i3"), "CONTENT_DIR": str(content_dir)}
    )
    answers = {
        "a_origin": "NP",
        "a_destination": "QA",
        "a_purpose": "work",
        "a_job_offer": "yes",
        "a_agency": "no",
    }
    html = (
        app.test_client()
        .post("/ne/legal-channels/route-finder", data=answers | {"q": "fee", "answer": "no"})
        .get_data(as_text=True)
    )
    assert "<li>जानुअघि श्रम स्वीकृति लिनुहोस्।</li>" in html
    assert '<li lang="en">Use only an agency licensed' in html

"""Route finder: a question flow (content/data/route-questions.yaml) whose outcomes are built
from data blocks (content/data/routes.yaml). Logic only; the view lives in tools/routes.py."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from .content.datafiles import read_mapping
from .content.model import ContentError
from .locales import SOURCE_LANG, locale_order

QUESTIONS_PATH = "data/route-questions.yaml"
ROUTES_PATH = "data/routes.yaml"
PAGE_REF = re.compile(r"^[a-z-]+/[a-z0-9-]+$")


def _is_text(step: object) -> bool:
    """A step is English text, or texts per language with English among them."""
    return (
        isinstance(step, str) or isinstance(step, dict) and isinstance(step.get(SOURCE_LANG), str)
    )


def _check_block(block: object, where: str, errors: list[ContentError]) -> None:
    if not isinstance(block, dict):
        errors.append(ContentError(ROUTES_PATH, f"{where}: must have steps and sources"))
        return
    steps = block.get("steps")
    if not isinstance(steps, list) or not steps or not all(map(_is_text, steps)):
        errors.append(ContentError(ROUTES_PATH, f"{where}: needs a list of steps"))
    sources = block.get("sources")
    if not isinstance(sources, list) or not sources:
        errors.append(ContentError(ROUTES_PATH, f"{where}: every outcome block cites a source"))
        return
    for item in [*sources, *(block.get("check_with") or [])]:
        url = item.get("url") if isinstance(item, dict) else None
        parts = urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors.append(ContentError(ROUTES_PATH, f"{where}: {item!r} needs an http(s) url"))


def load(content_dir: Path) -> tuple[dict, list[ContentError]]:
    """Read and validate questions and outcome blocks; return ({questions, routes}, errors)."""
    questions, errors = read_mapping(content_dir, QUESTIONS_PATH)
    routes, route_errors = read_mapping(content_dir, ROUTES_PATH)
    errors += route_errors
    if not questions and not routes:
        return {}, errors
    if not isinstance(questions.get("questions"), list) or not questions["questions"]:
        errors.append(ContentError(QUESTIONS_PATH, "must have a 'questions:' list"))
        return {}, errors
    seen: set[str] = set()
    for question in questions["questions"]:
        qid = question.get("id")
        if not isinstance(question.get("text"), dict) or SOURCE_LANG not in question["text"]:
            errors.append(ContentError(QUESTIONS_PATH, f"question {qid}: needs an 'en' text"))
        if not question.get("options"):
            errors.append(ContentError(QUESTIONS_PATH, f"question {qid}: needs options"))
        for key in question.get("ask_if") or {}:
            if key not in seen:
                errors.append(
                    ContentError(QUESTIONS_PATH, f"question {qid}: asks after unknown '{key}'")
                )
        seen.add(qid)
    for rule in questions.get("warnings", []):
        if not PAGE_REF.match(str(rule.get("page", ""))) or set(rule.get("when", {})) - seen:
            errors.append(
                ContentError(QUESTIONS_PATH, f"warning {rule!r}: needs a page and known answers")
            )
    for purpose, pages in (questions.get("pages") or {}).items():
        if not all(PAGE_REF.match(str(p)) for p in pages):
            errors.append(ContentError(QUESTIONS_PATH, f"pages for {purpose}: use topic/slug"))
    for code, block in (routes.get("origins") or {}).items():
        _check_block(block, f"origin {code}", errors)
    for code, purposes in (routes.get("destinations") or {}).items():
        for purpose, block in (purposes or {}).items():
            if purpose != "check_with":
                _check_block(block, f"destination {code} {purpose}", errors)
    _check_block(routes.get("generic"), "generic", errors)
    return ({} if errors else {"questions": questions, "routes": routes}), errors


def text(texts: dict | str, lang: str) -> str:
    """A text in the reader's language, else the source language."""
    if isinstance(texts, str):
        return texts
    return next(texts[code] for code in locale_order(lang) if code in texts)


def applies(question: dict, answers: dict[str, str]) -> bool:
    """True when a question's `ask_if` matches the answers given so far."""
    return all(answers.get(key) in values for key, values in (question.get("ask_if") or {}).items())


def clean(flow: dict, answers: dict[str, str]) -> dict[str, str]:
    """Keep only answers that are valid options of questions that still apply, in order."""
    kept: dict[str, str] = {}
    for question in flow["questions"]["questions"]:
        value = answers.get(question["id"])
        if value in [str(o) for o in question["options"]] and applies(question, kept):
            kept[question["id"]] = value
    return kept


def next_question(flow: dict, answers: dict[str, str]) -> dict | None:
    """The first question that applies and has no answer yet; None when the outcome is ready."""
    for question in flow["questions"]["questions"]:
        if question["id"] not in answers and applies(question, answers):
            return question
    return None


def outcome(flow: dict, answers: dict[str, str]) -> dict:
    """Steps, bodies to check with, warnings, pages to read and sources for these answers."""
    routes, questions = flow["routes"], flow["questions"]
    generic = routes["generic"]
    origin = routes.get("origins", {}).get(answers.get("origin"))
    destination = routes.get("destinations", {}).get(answers.get("destination")) or {}
    purpose_block = destination.get(answers.get("purpose"))
    # Where this corridor has no specific block, the generic steps fill the gap.
    used = [b for b in (origin, purpose_block) if b]
    if origin is None or purpose_block is None:
        used.append(generic)
    warnings = [
        rule for rule in questions.get("warnings", [])
        if all(answers.get(k) in v for k, v in rule["when"].items())
    ]  # fmt: skip
    return {
        "origin_steps": origin["steps"] if origin else [],
        "destination_steps": purpose_block["steps"] if purpose_block else [],
        "generic_steps": generic["steps"] if generic in used else [],
        "check_with": [c for b in (origin or {}, destination) for c in b.get("check_with", [])],
        "warnings": warnings,
        "pages": questions.get("pages", {}).get(answers.get("purpose"), []),
        "sources": list({s["url"]: s for b in used for s in b["sources"]}.values()),
    }


def all_paths(flow: dict) -> Iterator[dict[str, str]]:
    """Every complete set of answers a reader can give (for tests, like GOV.UK's flow tests)."""
    questions = flow["questions"]["questions"]
    options = [[None, *[str(o) for o in q["options"]]] for q in questions]
    seen = set()
    for combo in itertools.product(*options):
        answers = clean(flow, {q["id"]: v for q, v in zip(questions, combo, strict=True) if v})
        key = tuple(sorted(answers.items()))
        if key not in seen and next_question(flow, answers) is None:
            seen.add(key)
            yield answers

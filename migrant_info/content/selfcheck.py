"""Warning-signs self-check data (content/data/self-check.yaml): the ILO's 11 indicators of
forced labour as questions, with a text per language. Validated at build time."""

from __future__ import annotations

from pathlib import Path

from ..locales import SOURCE_LANG, locale_order
from .datafiles import read_mapping
from .model import ContentError

DATA_PATH = "data/self-check.yaml"
INDICATORS = (
    "vulnerability", "deception", "movement", "isolation", "violence", "threats",
    "documents", "wages", "debt", "conditions", "overtime",
)  # fmt: skip


def load(content_dir: Path) -> tuple[dict, list[ContentError]]:
    """Read and validate the self-check questions; return (data, errors)."""
    data, errors = read_mapping(content_dir, DATA_PATH)
    if not data:
        return {}, errors
    questions = data.get("questions")
    if not isinstance(questions, list):
        return {}, [ContentError(DATA_PATH, "must have a 'questions:' list")]
    ids = tuple(q.get("id") if isinstance(q, dict) else None for q in questions)
    if ids != INDICATORS:
        return {}, [
            ContentError(
                DATA_PATH, f"questions must be the 11 indicators in order: {', '.join(INDICATORS)}"
            )
        ]  # noqa: E501
    errors = []
    for question in questions:
        for key in ("text", "explain"):
            texts = question.get(key)
            if not isinstance(texts, dict) or not isinstance(texts.get(SOURCE_LANG), str):
                errors.append(
                    ContentError(
                        DATA_PATH, f"question {question['id']}: '{key}' needs an 'en' text"
                    )
                )
            elif not all(isinstance(v, str) and v.strip() for v in texts.values()):
                errors.append(
                    ContentError(DATA_PATH, f"question {question['id']}: empty '{key}' text")
                )
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        errors.append(ContentError(DATA_PATH, "needs at least one source"))
    return ({} if errors else data), errors


def localised(data: dict, lang: str) -> list[dict]:
    """Questions in the reader's language (falling back per text), with the language used."""
    out = []
    for question in data.get("questions", []):
        item = {"id": question["id"]}
        for key in ("text", "explain"):
            code = next(c for c in locale_order(lang) if c in question[key])
            item[key], item[f"{key}_lang"] = question[key][code], code
        out.append(item)
    return out

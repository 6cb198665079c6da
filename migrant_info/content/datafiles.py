"""Reading content/data/*.yaml: one place that turns a missing or broken file into errors."""

from __future__ import annotations

from pathlib import Path

import yaml

from .model import ContentError


def read_mapping(content_dir: Path, rel: str) -> tuple[dict, list[ContentError]]:
    """The YAML mapping at content/<rel>; ({}, []) when absent, ({}, [error]) when broken."""
    path = content_dir / rel
    if not path.exists():
        return {}, []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return {}, [ContentError(rel, f"not valid YAML: {exc}", line)]
    if not isinstance(data, dict):
        return {}, [ContentError(rel, "must be a set of 'key: value' entries")]
    return data, []

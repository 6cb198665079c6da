"""Read content files one page at a time, source pages first (the streaming first stage).

A full build or `content check` must not hold 30,000 parsed pages in memory. Translations
take facts from their source page (`model.inherit`), so the source language's files are read
first; each yields a Page the caller renders, writes and drops. What stays in memory is small:
every file's relative path (its position in the sorted file list) and each source page's
`SourceFacts`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..locales import SOURCE_LANG
from .discover import content_files, parse_page
from .model import ContentError, Page, SourceFacts, inherit, source_facts

NO_SOURCE = "translation has no English source page"


class PageStream:
    """Every content file parsed once, as (position in sorted path order, Page).

    Errors are collected, not raised, and reported in the order `discover` always used:
    parse errors by path, then translations without a source by path.
    """

    def __init__(self, content_dir: Path):
        self.content_dir = content_dir
        self.paths = [p.relative_to(content_dir).as_posix() for p in content_files(content_dir)]
        self.sources: dict[tuple[str | None, str], SourceFacts] = {}
        self._parse_errors: list[tuple[int, ContentError]] = []
        self._orphans: list[tuple[int, ContentError]] = []

    def __len__(self) -> int:
        """How many content files there are (valid or not)."""
        return len(self.paths)

    @property
    def failed(self) -> bool:
        """True once any file has failed validation."""
        return bool(self._parse_errors or self._orphans)

    @property
    def errors(self) -> list[ContentError]:
        """Every error found so far, parse errors first, each group in path order."""
        return [e for _, e in sorted(self._parse_errors, key=lambda item: item[0])] + [
            e for _, e in sorted(self._orphans, key=lambda item: item[0])
        ]

    def order(self) -> list[int]:
        """Positions in reading order: source pages first, then translations, each by path."""
        first = [n for n, rel in enumerate(self.paths) if rel.split("/")[0] == SOURCE_LANG]
        chosen = set(first)
        return first + [n for n in range(len(self.paths)) if n not in chosen]

    def __iter__(self) -> Iterator[tuple[int, Page]]:
        """Parse each file; translations inherit from their (already read) source."""
        for position in self.order():
            rel = self.paths[position]
            try:
                page = parse_page((self.content_dir / rel).read_bytes(), rel)
            except ContentError as exc:
                self._parse_errors.append((position, exc))
                continue
            if page.lang == SOURCE_LANG:
                self.sources[page.key] = source_facts(page)
            else:
                source = self.sources.get(page.key)
                if source is None:
                    self._orphans.append((position, ContentError(page.path, NO_SOURCE)))
                    continue
                inherit(page, source)
            yield position, page

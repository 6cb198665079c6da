"""Small-count suppression for published tables.

A table is published as groups (for example one language on one day); each group has cells
(pages, queries, countries) and a total. A cell under k is suppressed (primary). Because the
total is published, one suppressed cell could be recovered by subtraction, and two tiny ones
could be pinned down by their sum; so more cells are suppressed (complementary), smallest first,
until at least two are hidden and together they hold at least k. A total under k is itself
suppressed, with every cell of its group.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass
class Group:
    """A published group: each cell's count or None when suppressed, and the total or None."""

    cells: dict[Hashable, int | None]
    total: int | None
    primary: set[Hashable]
    complementary: set[Hashable]


def suppress(cells: Mapping[Hashable, int], k: int) -> Group:
    """Suppress the cells of one group so that no hidden cell can be worked out."""
    total = sum(cells.values())
    if total < k:
        return Group({key: None for key in cells}, None, set(cells), set())
    primary = {key for key, n in cells.items() if n < k}
    hidden = set(primary)
    complementary: set[Hashable] = set()
    if hidden:
        # Smallest first loses the least information; ties broken by key for stable output.
        shown = sorted(
            (key for key in cells if key not in hidden), key=lambda c: (cells[c], str(c))
        )
        while shown and (len(hidden) < 2 or sum(cells[c] for c in hidden) < k):
            key = shown.pop(0)
            hidden.add(key)
            complementary.add(key)
    published = {key: (None if key in hidden else n) for key, n in cells.items()}
    return Group(published, total, primary, complementary)

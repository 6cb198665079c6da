"""Small-count suppression: primary cells, the complementary cell, and totals under k."""

from __future__ import annotations

import itertools

from migrant_info.stats.suppression import suppress


def test_nothing_hidden_when_every_cell_reaches_k():
    group = suppress({"a": 10, "b": 25}, 10)
    assert group.cells == {"a": 10, "b": 25} and group.total == 35


def test_one_small_cell_takes_a_complementary_cell_with_it():
    group = suppress({"a": 3, "b": 40, "c": 12, "d": 50}, 10)
    assert group.primary == {"a"}
    assert group.complementary == {"c"}  # the smallest published cell
    assert group.cells == {"a": None, "b": 40, "c": None, "d": 50}
    assert group.total == 105
    # Subtraction now gives only a+c = 15, never a alone.
    assert group.total - sum(v for v in group.cells.values() if v is not None) == 15


def test_two_tiny_cells_cannot_be_pinned_down_by_their_sum():
    group = suppress({"a": 1, "b": 1, "c": 30, "d": 40}, 10)
    hidden = [key for key, value in group.cells.items() if value is None]
    assert sorted(hidden) == ["a", "b", "c"]
    assert sum({"a": 1, "b": 1, "c": 30}[key] for key in hidden) >= 10


def test_a_total_under_k_hides_the_whole_group():
    group = suppress({"a": 4, "b": 3}, 10)
    assert group.total is None and set(group.cells.values()) == {None}


def test_a_single_small_cell_is_its_own_total():
    group = suppress({"a": 9}, 10)
    assert group.cells == {"a": None} and group.total is None


def test_no_suppressed_cell_can_be_recovered_for_many_tables():
    """For every small table: each hidden cell has at least two possible values, given the rest."""
    k = 5
    for values in itertools.product([1, 3, 5, 8], repeat=3):
        cells = dict(zip("abc", values, strict=True))
        group = suppress(cells, k)
        hidden = [key for key, v in group.cells.items() if v is None]
        if group.total is None:
            continue
        assert len(hidden) != 1, cells
        remainder = group.total - sum(v for v in group.cells.values() if v is not None)
        if hidden:
            assert remainder >= k and remainder > len(hidden), cells
        for key, value in cells.items():
            if value < k:
                assert group.cells[key] is None, cells

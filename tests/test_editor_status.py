"""Translation states, the dashboard's matrix and `flask content status`."""

from __future__ import annotations

import pytest

from migrant_info.editor.status import Entry, filtered, matrix, state

SOURCE = Entry("en", "rights", "passport", "Passport", "aaaa", None, None, None)


@pytest.mark.parametrize(
    "entry, expected",
    [
        (None, "missing"),
        (Entry("ne", "rights", "passport", "t", "x", "bbbb", "machine", None), "outdated"),
        (Entry("ne", "rights", "passport", "t", "x", "aaaa", "machine", None), "machine"),
        (Entry("ne", "rights", "passport", "t", "x", "aaaa", "machine", "ana"), "reviewed"),
        (Entry("ne", "rights", "passport", "t", "x", "aaaa", "human", None), "reviewed"),
    ],
)
def test_state(entry, expected):
    assert state(entry, SOURCE) == expected


def test_matrix_counts_and_demand_order():
    other = Entry("en", "rights", "wages", "Wages", "cccc", None, None, None)
    ne = Entry("ne", "rights", "passport", "t", "x", "aaaa", "machine", None)
    rows, counts = matrix([SOURCE, other, ne], ["en", "ne", "bn"], {("rights", "wages"): 40})
    assert [r.slug for r in rows] == ["wages", "passport"]
    assert counts["ne"] == {"machine": 1, "missing": 1} and counts["bn"]["missing"] == 2
    assert [r.slug for r in filtered(rows, "ne", "machine", None)] == ["passport"]


def test_dashboard_matrix_and_filters(editor_client):
    page = editor_client.get("/editor/").text
    assert 'aria-label="passport in ne: outdated"' in page
    assert 'aria-label="wages in ne: missing"' in page
    assert 'href="/editor/ne/rights/wages"' in page
    only = editor_client.get("/editor/?lang=ne&state=outdated").text
    assert "rights/passport" in only and "rights/wages" not in only
    assert editor_client.get("/editor/?lang=../x&state=<b>").status_code == 200


def test_content_status_command(runner):
    result = runner.invoke(args=["content", "status", "--lang", "ne"])
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if row.startswith("rights/passport"))
    assert line.split()[-1] == "old"
    assert "rights/wages" in result.output
    unknown = runner.invoke(args=["content", "status", "--lang", "zz"])
    assert unknown.exit_code != 0 and "no content in language 'zz'" in unknown.output

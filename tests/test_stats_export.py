"""Open data: CLI and /api/stats in CSV and JSON, suppressed, and the same numbers as the dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from contextlib import closing

import pytest

from migrant_info import db
from migrant_info.stats import store
from tests.stats_login import log_in

DAY1 = (dt.date.today() - dt.timedelta(days=3)).isoformat()
DAY2 = (dt.date.today() - dt.timedelta(days=2)).isoformat()
SEED = {
    (DAY1, "view", "en", "rights", "passport", ""): 40,
    (DAY2, "view", "en", "rights", "passport", ""): 25,
    (DAY1, "view", "en", "rights", "wages", ""): 3,  # under k: suppressed, and one complement
    (DAY1, "view", "en", "trafficking", "helplines", ""): 12,
    (DAY1, "view", "ne", "rights", "passport", ""): 30,
    (DAY1, "view", "ne", "rights", "wages", ""): 14,
    (DAY1, "view", "ar", "rights", "wages", ""): 2,  # a language with a total under k
    (DAY1, "helpful_yes", "en", "rights", "passport", ""): 11,
    (DAY1, "helpful_no", "en", "rights", "passport", ""): 10,
}


@pytest.fixture
def seeded(app):
    with closing(db.connect(db.path_for(app))) as conn:
        db.migrate(conn)
        store.add_counts(conn, SEED)
    return app


def test_json_api_suppresses_small_cells_and_a_complement(seeded, client):
    response = client.get(f"/api/stats/view.json?from={DAY1}&to={DAY2}&period=all")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert "Set-Cookie" not in response.headers
    data = response.get_json()
    assert data["k"] == 10 and data["from"] == DAY1 and data["to"] == DAY2
    cells = {
        (r["lang"], r["topic"], r["slug"]): r["count"] for r in data["rows"] if r["row"] == "cell"
    }
    totals = {r["lang"]: r["count"] for r in data["rows"] if r["row"] == "total"}
    assert cells[("en", "rights", "wages")] is None
    assert cells[("en", "trafficking", "helplines")] is None  # the complementary cell
    assert cells[("en", "rights", "passport")] == 65
    assert totals["en"] == 80
    assert cells[("ne", "rights", "passport")] == 30 and cells[("ne", "rights", "wages")] == 14
    assert cells[("ar", "rights", "wages")] is None and totals["ar"] is None
    assert all(r["suppressed"] == (r["count"] is None) for r in data["rows"])


def test_csv_api_parses_and_agrees_with_json(seeded, client):
    query = f"from={DAY1}&to={DAY2}&period=day"
    text = client.get(f"/api/stats/view.csv?{query}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    as_json = client.get(f"/api/stats/view.json?{query}").get_json()["rows"]
    assert len(rows) == len(as_json)
    for got, want in zip(rows, as_json, strict=True):
        assert got["count"] == ("" if want["count"] is None else str(want["count"]))
        assert got["suppressed"] == ("true" if want["suppressed"] else "false")
        assert got["period"] == want["period"] and got["lang"] == want["lang"]
    assert {r["period"] for r in rows} == {DAY1, DAY2}


def test_api_refuses_bad_requests(client):
    assert client.get("/api/stats/nope.json").status_code == 404
    assert client.get("/api/stats/view.xml").status_code == 404
    assert client.get("/api/stats/view.json?from=yesterday").status_code == 400
    assert client.get("/api/stats/view.json?period=hour").status_code == 400
    assert client.get("/api/stats/view.json?from=2026-05-02&to=2026-05-01").status_code == 400
    index = client.get("/api/stats")
    assert index.status_code == 200 and "view" in index.get_json()["metrics"]


def test_today_is_never_published(app, client):
    client.get("/en/rights/passport")
    data = client.get("/api/stats/view.json?period=day&to=2999-01-01").get_json()
    assert data["to"] == (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert data["rows"] == []


def export(runner, *options):
    """`flask stats export` over the two seeded days with these options."""
    return runner.invoke(args=["stats", "export", "--from", DAY1, "--to", DAY2, *options])


def test_cli_exports_csv_and_json(seeded, runner):
    result = export(runner, "--format", "json", "--period", "all")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["metrics"]) == set(store.METRICS)
    views = data["metrics"]["view"]
    assert {r["lang"]: r["count"] for r in views if r["row"] == "total"} == {
        "en": 80,
        "ne": 44,
        "ar": None,
    }
    result = export(runner, "--format", "csv", "--metric", "helpful_yes", "--metric",
                    "helpful_no", "--period", "all")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {(r["metric"], r["row"], r["count"]) for r in rows} >= {
        ("helpful_yes", "cell", "11"),
        ("helpful_no", "cell", "10"),
    }
    bad = runner.invoke(args=["stats", "export", "--from", "soon"])
    assert bad.exit_code != 0


def test_csv_cannot_smuggle_spreadsheet_formulas(app, runner):
    with closing(db.connect(db.path_for(app))) as conn:
        db.migrate(conn)
        store.add_counts(
            conn, {(DAY1, "search", "en", "", "", "h"): 12, (DAY2, "search", "en", "", "", "h"): 1}
        )
        store.reveal_queries(conn, {("en", "h"): "=HYPERLINK(1)"}, 10, 2)
    out = runner.invoke(args=["stats", "export", "--metric", "search", "--period", "all"]).output
    assert "'=HYPERLINK(1)" in out and "\n=HYPERLINK" not in out and ",=HYPERLINK" not in out


def test_cli_rollup(runner, app):
    with closing(db.connect(db.path_for(app))) as conn:
        db.migrate(conn)
        store.add_counts(conn, {("2020-01-05", "view", "en", "rights", "passport", ""): 4})
    result = runner.invoke(args=["stats", "rollup"])
    assert "Rolled 1 daily rows" in result.output


def table(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table class="matrix" id="{table_id}">(.*?)</table>', html, re.S)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    ]


def test_export_matches_the_dashboard(seeded, client):
    log_in(seeded, client)
    html = client.get(f"/editor/stats?from={DAY1}&to={DAY2}").get_data(as_text=True)
    dashboard = {row[0].split(" – ")[0]: int(row[1]) for row in table(html, "table-languages")}
    published = client.get(f"/api/stats/view.json?from={DAY1}&to={DAY2}&period=all").get_json()[
        "rows"
    ]
    totals = {r["lang"]: r["count"] for r in published if r["row"] == "total"}
    assert dashboard == {"en": 80, "ne": 44, "ar": 2}
    for lang, count in totals.items():
        assert count is None or count == dashboard[lang]
    helpful = {row[0]: (int(row[1]), int(row[2])) for row in table(html, "table-helpful")}
    yes = client.get(f"/api/stats/helpful_yes.json?from={DAY1}&to={DAY2}&period=all").get_json()[
        "rows"
    ]
    no = client.get(f"/api/stats/helpful_no.json?from={DAY1}&to={DAY2}&period=all").get_json()[
        "rows"
    ]

    def cell(rows):
        return next(r["count"] for r in rows if r["row"] == "cell" and r["slug"] == "passport")

    assert helpful["rights/passport"] == (cell(yes), cell(no)) == (11, 10)
    per_day = table(html, "table-topics")
    rights = [row for row in per_day if row[0] == DAY1][0][1]  # the first column is rights
    day_rows = client.get(f"/api/stats/view.json?from={DAY1}&to={DAY1}&period=day").get_json()[
        "rows"
    ]
    assert (
        int(rights)
        == 40 + 3 + 30 + 14 + 2
        == sum(
            r["count"] or SEED[(DAY1, "view", r["lang"], r["topic"], r["slug"], "")]
            for r in day_rows
            if r["row"] == "cell" and r["topic"] == "rights"
        )
    )

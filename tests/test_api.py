"""The OpenAPI document describes every /api/ route, and every documented path answers."""

from __future__ import annotations

import re


def test_every_api_route_is_documented(app, client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", path) for path in spec["paths"]}
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == documented


def test_documented_get_paths_answer(client):
    spec = client.get("/api/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        if "get" in operations:
            url = path.replace("{lang}", "en")
            response = client.get(url)
            assert str(response.status_code) in operations["get"]["responses"], url

"""`/api/openapi.json`: the JSON API described for its users (and checked against the routes)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

bp = Blueprint("api", __name__)

ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
SUBSCRIPTION = {
    "type": "object",
    "required": ["subscription", "lang"],
    "properties": {
        "subscription": {
            "type": "object",
            "description": "PushSubscription.toJSON() from the browser",
            "required": ["endpoint", "keys"],
            "properties": {
                "endpoint": {
                    "type": "string",
                    "format": "uri",
                    "maxLength": 1024,
                    "description": "https URL on an allowed push service (403 otherwise)",
                },
                "keys": {
                    "type": "object",
                    "required": ["p256dh", "auth"],
                    "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}},
                },
            },
        },
        "lang": {"type": "string", "example": "ne"},
        "topics": {
            "type": "array",
            "items": {
                "type": "string",
                "enum": ["rights", "legal-channels", "trafficking", "remittances"],
            },
        },
        "countries": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
    },
}


def _errors(*codes: int) -> dict:
    return {
        str(code): {"description": "refused", "content": {"application/json": {"schema": ERROR}}}
        for code in codes
    }


SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "migrant_info API", "version": "1"},
    "paths": {
        "/api/push/key": {
            "get": {
                "summary": "VAPID application server key (base64url, uncompressed P-256 point)",
                "responses": {"200": {"description": "the key", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"publicKey": {"type": "string"}}, "required": ["publicKey"]}}}}},
            }
        },
        "/api/push/subscriptions": {
            "post": {
                "summary": "Subscribe a browser to notices (201), or update its preferences (200)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": SUBSCRIPTION}}},
                "responses": {
                    "201": {"description": "subscribed"},
                    "200": {"description": "preferences updated"},
                    **_errors(400, 403, 413, 422, 429),
                },
            },
            "delete": {
                "summary": "Unsubscribe",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["endpoint"], "properties": {"endpoint": {"type": "string"}}}}}},
                "responses": {"204": {"description": "forgotten"}, **_errors(400, 413, 422)},
            },
        },
        "/api/sms/segments": {
            "get": {
                "summary": "How a text travels by SMS (GSM 03.38)",
                "parameters": [{"name": "text", "in": "query", "schema": {"type": "string", "maxLength": 1600}}],
                "responses": {
                    "200": {"description": "segments", "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["encoding", "segments", "units", "characters", "remaining", "forcing", "replacements"],
                        "properties": {
                            "encoding": {"type": "string", "enum": ["GSM-7", "UCS-2"]},
                            "segments": {"type": "integer"}, "units": {"type": "integer"},
                            "characters": {"type": "integer"}, "remaining": {"type": "integer"},
                            "forcing": {"type": "array", "items": {"type": "string"}},
                            "replacements": {"type": "object", "additionalProperties": {"type": "string"}},
                        }}}}},
                    **_errors(422),
                },
            }
        },
        "/api/offline/{lang}.json": {
            "get": {
                "summary": "Pages to store for offline reading, with sizes in bytes",
                "parameters": [{"name": "lang", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the pack"}, "404": {"description": "no such language"}},
            }
        },
        "/api/stats": {
            "get": {
                "summary": "Open readership statistics: the tables there are, the suppression threshold k, the periods",
                "responses": {"200": {"description": "index of tables; public, cacheable, no cookies"}},
            }
        },
        "/api/stats/{metric}.{fmt}": {
            "get": {
                "summary": "One table of aggregate counts; any count under k is published as suppressed (count null), with complementary cells suppressed so none can be recovered from the totals",
                "description": "Fields are defined in docs/statistics.md. Only complete days (up to yesterday).",
                "parameters": [
                    {"name": "metric", "in": "path", "required": True, "schema": {"type": "string", "enum": [
                        "view", "search", "search_empty", "short_link", "offline_save", "push_subscribe",
                        "push_topic", "push_country", "tool_use", "helpful_yes", "helpful_no"]}},
                    {"name": "fmt", "in": "path", "required": True, "schema": {"type": "string", "enum": ["json", "csv"]}},
                    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "first day (default: a year before to)"},
                    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "last day (default and latest: yesterday)"},
                    {"name": "period", "in": "query", "schema": {"type": "string", "enum": ["day", "month", "all"], "default": "month"}},
                ],
                "responses": {
                    "200": {"description": "the table", "content": {
                        "application/json": {"schema": {"type": "object", "required": ["metric", "from", "to", "period", "k", "rows"], "properties": {
                            "metric": {"type": "string"}, "from": {"type": "string"}, "to": {"type": "string"},
                            "period": {"type": "string"}, "k": {"type": "integer"},
                            "rows": {"type": "array", "items": {"type": "object", "properties": {
                                "period": {"type": "string"}, "metric": {"type": "string"}, "lang": {"type": "string"},
                                "topic": {"type": "string"}, "slug": {"type": "string"}, "detail": {"type": "string"},
                                "row": {"type": "string", "enum": ["cell", "total"]},
                                "count": {"type": ["integer", "null"]}, "suppressed": {"type": "boolean"}}}}}}},
                        "text/csv": {"schema": {"type": "string"}}}},
                    **_errors(400, 404),
                },
            }
        },
        "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    },
}  # fmt: skip


@bp.route("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI description of every /api/ endpoint."""
    response = jsonify(SPEC)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response

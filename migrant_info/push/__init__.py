"""Web Push notices: VAPID key, subscriptions API, the public notice board, and `flask push`."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import deque
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from .. import db
from ..content import available_languages, get_index, require_language, store
from . import keys, validate
from .notices import newest

bp = Blueprint("push", __name__)

MAX_BODY = 4096


def vapid_key():
    """This app's VAPID key pair."""
    return current_app.extensions["vapid"]


def _rate_limited() -> bool:
    # Only a short-lived in-memory count: client addresses are never written anywhere.
    client = request.remote_addr or "?"
    limit, window = current_app.config["PUSH_RATE_LIMIT"]
    recent, lock = current_app.extensions["push_recent"]
    now = time.monotonic()
    with lock:
        times = recent.setdefault(client, deque())
        while times and now - times[0] > window:
            times.popleft()
        times.append(now)
        return len(times) > limit


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


@bp.route("/api/push/key")
def public_key() -> Response:
    """The application server key for PushManager.subscribe() (base64url, uncompressed P-256)."""
    response = jsonify({"publicKey": keys.public_key(vapid_key())})
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _parse_body() -> dict:
    if request.content_length and request.content_length > MAX_BODY:
        raise validate.Invalid(413, f"request body larger than {MAX_BODY} bytes")
    raw = request.get_data(cache=False)[: MAX_BODY + 1]
    if len(raw) > MAX_BODY:
        raise validate.Invalid(413, f"request body larger than {MAX_BODY} bytes")
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        raise validate.Invalid(400, "body must be JSON") from None
    if not isinstance(body, dict):
        raise validate.Invalid(400, "body must be a JSON object")
    return body


@bp.route("/api/push/subscriptions", methods=["POST"])
def subscribe() -> Response:
    """Save a subscription with its language, topics and countries (201; 200 when updated)."""
    if _rate_limited():
        return _error(429, "too many requests; try again in a minute")
    try:
        body = _parse_body()
        sub = body.get("subscription")
        if not isinstance(sub, dict):
            raise validate.Invalid(422, "subscription must be a PushSubscription as JSON")
        config = current_app.config
        endpoint = validate.endpoint(
            sub.get("endpoint"), config["PUSH_HOSTS"], config["PUSH_INSECURE_HOSTS"]
        )
        p256dh, auth = validate.keys(sub.get("keys"))
        lang = body.get("lang")
        if not isinstance(lang, str) or lang not in available_languages():
            raise validate.Invalid(422, "lang must be a language this site has")
        topics = validate.choices(body.get("topics"), validate.TOPIC_SET, "topics")
        countries = validate.choices(body.get("countries"), validate.COUNTRIES, "countries")
    except validate.Invalid as invalid:
        return _error(invalid.status, invalid.message)
    conn = db.get_db()
    row = (endpoint, p256dh, auth, lang, json.dumps(topics), json.dumps(countries))
    conn.execute("begin immediate")
    existed = conn.execute("select 1 from subscriptions where endpoint = ?", (endpoint,)).fetchone()
    conn.execute(
        "insert into subscriptions (endpoint, p256dh, auth, lang, topics, countries, created) "
        "values (?, ?, ?, ?, ?, ?, ?) on conflict (endpoint) do update set "
        "p256dh = excluded.p256dh, auth = excluded.auth, lang = excluded.lang, "
        "topics = excluded.topics, countries = excluded.countries",
        (*row, dt.date.today().isoformat()),
    )
    conn.execute("commit")
    response = jsonify({"lang": lang, "topics": topics, "countries": countries})
    response.status_code = 200 if existed else 201
    return response


@bp.route("/api/push/subscriptions", methods=["DELETE"])
def unsubscribe() -> Response:
    """Forget a subscription (204)."""
    try:
        body = _parse_body()
    except validate.Invalid as invalid:
        return _error(invalid.status, invalid.message)
    endpoint = body.get("endpoint")
    if not isinstance(endpoint, str) or len(endpoint) > 1024:
        return _error(422, "endpoint must be the subscription's endpoint URL")
    db.get_db().execute("delete from subscriptions where endpoint = ?", (endpoint,))
    return Response(status=204)


def _countries() -> set[str]:
    return set(store.helpline_countries(get_index())) - {"INT"}


@bp.route("/<lang:lang>/notices")
def notice_board(lang: str) -> Response:
    """Every notice for readers of this language, newest first (for those without push)."""
    require_language(lang)
    html = render_template(
        "push/notices.html",
        notices=newest(db.get_db(), lang),
        countries=sorted(_countries()),
    )
    return Response(html)


def init_app(app: Flask) -> None:
    """Check the contact address and load (or create) the VAPID keys at start-up."""
    keys.check_subject(app.config["VAPID_SUBJECT"])
    app.extensions["push_recent"] = ({}, threading.Lock())
    app.extensions["vapid"] = keys.load_or_create(
        Path(app.instance_path), app.config.get("VAPID_PRIVATE_KEY")
    )


@bp.after_request
def _cache_notices(response: Response) -> Response:
    if request.endpoint == "push.notice_board" and response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=60"
        response.add_etag()
        return response.make_conditional(request)
    return response

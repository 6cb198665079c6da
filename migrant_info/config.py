"""Configuration: defaults, MIGRANT_INFO_* environment variables, instance secrets."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from .push.validate import DEFAULT_PUSH_HOSTS

ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "MIGRANT_INFO"


def instance_dir() -> Path:
    """Where the database, keys and secret live: MIGRANT_INFO_INSTANCE_DIR or ./instance."""
    return Path(os.environ.get(f"{ENV_PREFIX}_INSTANCE_DIR", ROOT / "instance")).resolve()


def defaults(app: Flask) -> dict:
    """Settings that hold unless the environment or a test overrides them."""
    return {
        "CONTENT_DIR": str(ROOT / "content"),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BASE_URL": "http://127.0.0.1:5000",
        "EXIT_URL": "https://www.google.com/search?q=weather",
        "READER_MAX_AGE": 300,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "CONTENT_AUTO_BUILD": True,
        "VAPID_SUBJECT": "mailto:webmaster@localhost",
        "PUSH_HOSTS": list(DEFAULT_PUSH_HOSTS),
        "PUSH_INSECURE_HOSTS": [],  # hosts reached over plain http (tests only)
        "PUSH_WORKERS": 128,  # threads = keep-alive connections per push service
        "OFFLINE_PAGE_CACHE": 60,  # pages the service worker keeps besides packs and saved topics
        "PUSH_RATE_LIMIT": [30, 60],  # subscription requests per client per minute
        "PAGE_CACHE_ENTRIES": 2000,  # finished reader responses kept per process (0: none)
        "PAGE_CACHE_BYTES": 32 * 1024 * 1024,
        "PROXY_COUNT": 0,  # proxies in front whose X-Forwarded-* headers are trusted
        "TRUSTED_HOSTS": None,  # e.g. ["migrant.example.org"]: other Host headers get 400
        "EDITOR_MAX_BODY": 512 * 1024,  # a page with its front matter, in any script
        "EDITOR_IDLE_MINUTES": 30,
        "EDITOR_SESSION_HOURS": 12,
        "LOGIN_LIMIT_ACCOUNT": [5, 900],  # failed logins per account per window (seconds)
        "LOGIN_LIMIT_CLIENT": [20, 900],  # failed logins per client per window
        # The editors' cookie never travels with reader pages, so readers stay cookie-free.
        "SESSION_COOKIE_PATH": "/editor",
        "SESSION_COOKIE_NAME": "editor_session",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own limits apply; a long edit must not fail
        "STATS_ENABLED": True,
        "STATS_FLUSH_SECONDS": 5,  # a crash loses at most this window of counts
        "STATS_K": 10,  # published cells under this are suppressed
        "STATS_QUERY_MIN_DAYS": 2,  # a query's text is kept once k searches on this many days
        "STATS_RETENTION_DAYS": 400,  # daily rows older than this become monthly rows
        "STATS_FEEDBACK_MAX": 500,  # characters in a "what was missing?" answer
        "STATS_FEEDBACK_LIMIT": [10, 3600],  # feedback posts per client per window (seconds)
        "STATS_API_MAX_AGE": 3600,
    }


def owner_only_secret(path: Path, make: callable) -> bytes:
    """Read a secret file, creating it with mode 0600 first if it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(make())
    return path.read_bytes()


def load(app: Flask, test_config: dict | None) -> None:
    """Fill app.config: defaults, then MIGRANT_INFO_* variables, then the test's overrides."""
    app.config.from_mapping(defaults(app))
    app.config.from_prefixed_env(ENV_PREFIX)
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.instance_path) / "secret_key"
        app.config["SECRET_KEY"] = owner_only_secret(key_file, lambda: secrets.token_bytes(32))
    app.config["CONTENT_DIR"] = str(Path(app.config["CONTENT_DIR"]).resolve())
    app.config["INDEX_PATH"] = str(Path(app.instance_path) / "content-index.db")

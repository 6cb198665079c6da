"""Checks on what browsers send us: a subscription's endpoint is a URL chosen by the client,
so only known push services are contacted, never internal addresses."""

from __future__ import annotations

import ipaddress
from fnmatch import fnmatch
from urllib.parse import urlsplit

from babel import Locale
from cryptography.hazmat.primitives.asymmetric import ec

from ..content.model import TOPICS
from .keys import b64url_decode

DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
)


class Invalid(ValueError):
    """A request we refuse, with the HTTP status and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def endpoint(url: object, allowed_hosts: list[str], insecure_hosts: list[str]) -> str:
    """Accept only https endpoints on allowed push-service hosts (http only where configured)."""
    if not isinstance(url, str) or len(url) > 1024:
        raise Invalid(422, "subscription.endpoint must be a URL")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    if parts.username or parts.password or not host:
        raise Invalid(422, "subscription.endpoint must be a plain https URL")
    insecure = netloc in insecure_hosts or host in insecure_hosts
    if parts.scheme != "https" and not (parts.scheme == "http" and insecure):
        raise Invalid(422, "subscription.endpoint must use https")
    if not insecure:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            raise Invalid(403, "subscription.endpoint must name a push service, not an address")
        if not any(fnmatch(host, pattern) for pattern in allowed_hosts):
            raise Invalid(403, f"push service {host} is not allowed")
    return url


def keys(value: object) -> tuple[str, str]:
    """p256dh must be an uncompressed P-256 point; auth must be 16 bytes."""
    if not isinstance(value, dict):
        raise Invalid(422, "subscription.keys must have p256dh and auth")
    try:
        point = b64url_decode(value.get("p256dh"))
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65 or point[0] != 4:
            raise ValueError
    except (ValueError, TypeError):
        raise Invalid(422, "subscription.keys.p256dh is not an uncompressed P-256 point") from None
    try:
        if len(b64url_decode(value.get("auth"))) != 16:
            raise ValueError
    except (ValueError, TypeError):
        raise Invalid(422, "subscription.keys.auth must be 16 bytes, base64url") from None
    return value["p256dh"], value["auth"]


def choices(values: object, allowed: set[str], name: str) -> list[str]:
    """A list drawn from `allowed` (deduplicated)."""
    if values is None:
        return []
    if not isinstance(values, list) or len(values) > 50 or not all(v in allowed for v in values):
        raise Invalid(422, f"{name} must be a list of: {', '.join(sorted(allowed))}")
    return sorted(set(values))


TOPIC_SET = set(TOPICS)
PSEUDO_REGIONS = {"ZZ", "QO", "EU", "EZ", "UN", "XA", "XB"}  # CLDR codes that are not countries
COUNTRIES = (
    frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())
    - PSEUDO_REGIONS
)

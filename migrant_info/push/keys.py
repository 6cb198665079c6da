"""VAPID keys (RFC 8292): generated once into the instance folder, readable only by the owner."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid02

KEY_FILE = "vapid_private.pem"


class ConfigError(ValueError):
    """The push configuration is unusable; the message says how to fix it."""


def b64url(data: bytes) -> str:
    """Unpadded base64url, as Web Push uses everywhere."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; raises ValueError on anything else."""
    if not isinstance(text, str) or not text or len(text) > 200:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_or_create(instance_dir: Path, pem: str | None = None) -> Vapid02:
    """The VAPID key pair: from configuration, else from the instance folder, else new (0600)."""
    if pem:
        return Vapid02.from_pem(pem.encode())
    path = instance_dir / KEY_FILE
    if not path.exists():
        key = Vapid02()
        key.generate_keys()
        instance_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.private_pem())
    return Vapid02.from_file(str(path))


def public_key(key: Vapid02) -> str:
    """The application server key for PushManager.subscribe(): an uncompressed P-256 point."""
    raw = key.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return b64url(raw)


def check_subject(subject: str) -> str:
    """VAPID_SUBJECT must be a mailto: or https: contact (RFC 8292 section 2.1)."""
    if not isinstance(subject, str) or not (
        subject.startswith("mailto:") and "@" in subject or subject.startswith("https://")
    ):
        raise ConfigError(
            "MIGRANT_INFO_VAPID_SUBJECT must be a mailto: address or an https: URL, "
            f"got {subject!r}"
        )
    return subject

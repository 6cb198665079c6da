"""Helplines data (content/data/helplines.yaml): validation at build time, grouping for pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .datafiles import read_mapping
from .model import ContentError

DATA_PATH = "data/helplines.yaml"
PURPOSES = ("trafficking", "migrant-workers", "labour", "emergency")
SOURCE_KINDS = ("organisation", "official", "press")
CONFIRMING_KINDS = frozenset({"organisation", "official"})
PHONE = re.compile(r"^\+?[0-9](?:[0-9 ]{0,18}[0-9])?$")
COUNTRY = re.compile(r"^(?:[A-Z]{2}|INT)$")
ENTRY_KEYS = {
    "id", "country", "organisation", "purpose", "phone", "from_abroad", "sms", "other",
    "hours", "languages", "note", "sources",
}  # fmt: skip


@dataclass
class Helpline:
    """One line people can call, with where the number comes from."""

    id: str
    country: str
    organisation: str
    purpose: str
    phone: str
    from_abroad: str | None = None
    sms: str | None = None
    other: str | None = None
    hours: str | None = None
    languages: list[str] = field(default_factory=list)
    note: str | None = None
    sources: list[dict] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        """True when the organisation itself or an official body publishes the number."""
        return any(s["kind"] in CONFIRMING_KINDS for s in self.sources)

    @staticmethod
    def tel(number: str) -> str:
        """A tel: URI for a number as written (spaces removed)."""
        return "tel:" + number.replace(" ", "")


def _line(raw: str, entry_id: object) -> int | None:
    for number, line in enumerate(raw.splitlines(), start=1):
        if re.match(rf"\s*-?\s*id:\s*['\"]?{re.escape(str(entry_id))}['\"]?\s*$", line):
            return number
    return None


def _check_entry(item: object, raw: str) -> Helpline:
    entry_id = item.get("id") if isinstance(item, dict) else None
    line = _line(raw, entry_id) if entry_id else None

    def fail(reason: str) -> ContentError:
        return ContentError(DATA_PATH, f"helpline {entry_id or '(no id)'}: {reason}", line)

    if not isinstance(item, dict):
        raise fail("each entry must be a set of 'key: value' lines")
    unknown = sorted(set(item) - ENTRY_KEYS)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}'")
    for key in ("id", "country", "organisation", "purpose", "phone"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise fail(f"'{key}' is required and must be text (quote phone numbers)")
    if not COUNTRY.match(item["country"]):
        raise fail(f"country '{item['country']}' must be an ISO code such as NP, or INT")
    if item["purpose"] not in PURPOSES:
        raise fail(f"purpose must be one of {', '.join(PURPOSES)}")
    for key in ("phone", "from_abroad", "sms"):
        value = item.get(key)
        if value is not None and (not isinstance(value, str) or not PHONE.match(value)):
            raise fail(f"'{key}' {value!r} must be digits and spaces, optionally starting with +")
    sources = item.get("sources")
    if not isinstance(sources, list) or not sources:
        raise fail("needs at least one source (url, kind, date)")
    checked = []
    for number, source in enumerate(sources, start=1):
        if not isinstance(source, dict):
            raise fail(f"source {number} must have url, kind and date")
        parts = urlsplit(source.get("url") or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise fail(f"source {number} needs an http(s) url")
        if source.get("kind") not in SOURCE_KINDS:
            raise fail(f"source {number} kind must be one of {', '.join(SOURCE_KINDS)}")
        date = source.get("date")
        if date is not None and not isinstance(date, dt.date):
            raise fail(f"source {number} date must be YYYY-MM-DD or null")
        checked.append(
            {
                "url": source["url"],
                "kind": source["kind"],
                "date": date.isoformat() if date else None,
            }
        )
    languages = item.get("languages") or []
    if not isinstance(languages, list):
        raise fail("'languages' must be a list")
    text = {k: item.get(k) for k in ("from_abroad", "sms", "other", "hours", "note")}
    if any(v is not None and not isinstance(v, str) for v in text.values()):
        raise fail("from_abroad, sms, other, hours and note must be text or null")
    return Helpline(
        id=item["id"],
        country=item["country"],
        organisation=item["organisation"].strip(),
        purpose=item["purpose"],
        phone=item["phone"].strip(),
        languages=[str(code) for code in languages],
        sources=checked,
        **text,
    )


def load(content_dir: Path) -> tuple[list[Helpline], dict, list[ContentError]]:
    """Read and validate the helplines file; return (entries, directory link, errors)."""
    data, read_errors = read_mapping(content_dir, DATA_PATH)
    if not data:
        return [], {}, read_errors
    raw = (content_dir / DATA_PATH).read_text(encoding="utf-8")
    if not isinstance(data.get("entries"), list):
        return [], {}, [ContentError(DATA_PATH, "must have an 'entries:' list")]
    entries, errors, seen = [], [], set()
    for item in data["entries"]:
        try:
            entry = _check_entry(item, raw)
        except ContentError as exc:
            errors.append(exc)
            continue
        if entry.id in seen:
            errors.append(ContentError(DATA_PATH, f"helpline id {entry.id} is used twice"))
        seen.add(entry.id)
        entries.append(entry)
    directory = data.get("directory") or {}
    if directory and not str(directory.get("url", "")).startswith("https://"):
        errors.append(ContentError(DATA_PATH, "directory needs a title and an https url"))
    return entries, directory, errors

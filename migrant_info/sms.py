"""SMS segment counting by GSM 03.38: GSM-7 (160 / 153 per part, extension characters count
two and are never split) or UCS-2 (70 / 67 per part, characters outside the BMP count two
and are never split). static/sms.js repeats these rules; shared vectors keep them in step."""

from __future__ import annotations

from dataclasses import dataclass, field

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}
# Characters that force UCS-2 but have a close GSM-7 equivalent.
REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u2009": " ",
    "\u202f": " ", "\u00e1": "a", "\u00ed": "i", "\u00f3": "o", "\u00fa": "u", "\u00e7": "Ç",
    "\u00ea": "e", "\u00e2": "a", "\u00f4": "o", "\u00e3": "a", "\u00f5": "o", "\u2022": "-",
    "\t": " ",
}  # fmt: skip


@dataclass(frozen=True)
class Segments:
    """How a message will travel."""

    encoding: str  # "GSM-7" or "UCS-2"
    segments: int
    units: int  # septets (GSM-7) or 16-bit code units (UCS-2) used
    characters: int
    remaining: int  # units left in the current segment
    forcing: list[str] = field(default_factory=list)  # characters that forced UCS-2
    replacements: dict[str, str] = field(default_factory=dict)


def _units(char: str, encoding: str) -> int:
    if encoding == "GSM-7":
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def segments(text: str) -> Segments:
    """Encoding, number of segments and units used for `text`."""
    forcing = list(
        dict.fromkeys(c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION)
    )
    encoding = "UCS-2" if forcing else "GSM-7"
    single, part = LIMITS[encoding]
    sizes = [_units(c, encoding) for c in text]
    total = sum(sizes)
    if total <= single:
        count, remaining = (1 if text else 0), single - total
    else:
        count, used = 1, 0
        for size in sizes:  # a 2-unit character never straddles two parts
            if used + size > part:
                count, used = count + 1, 0
            used += size
        remaining = part - used
    return Segments(
        encoding=encoding,
        segments=count,
        units=total,
        characters=len(text),
        remaining=remaining,
        forcing=forcing,
        replacements={c: REPLACEMENTS[c] for c in forcing if c in REPLACEMENTS},
    )


def gsm_safe(text: str) -> str:
    """The text with every replaceable character swapped for its GSM-7 equivalent."""
    return "".join(REPLACEMENTS.get(c, c) for c in text)

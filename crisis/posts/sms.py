"""How many SMS segments a text takes (3GPP TS 23.038 and 23.040).

A text made only of the GSM 7-bit alphabet fits 160 septets in one message,
153 per segment when split (the rest holds the concatenation header).
Characters of the extension table (€, [, ] and the like) take two septets,
an escape and the character, and are never split across segments. Any other
character makes the whole message UCS-2: 70 UTF-16 units in one message, 67
per segment, and a surrogate pair (most emoji) is never split either.
Norwegian æ, ø and å are in the GSM alphabet; « », – and ’ are not.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"  # 0x1B is the escape to the extension table, not a character
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "GSM-7"
UCS2 = "UCS-2"
_SINGLE = {GSM7: 160, UCS2: 70}
_SEGMENT = {GSM7: 153, UCS2: 67}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # GSM-7 or UCS-2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    outside_gsm: tuple[str, ...]  # the characters that forced UCS-2, in order of appearance


def measure(text: str) -> SmsLength:
    outside = tuple(dict.fromkeys(c for c in text if c not in GSM7_BASIC | GSM7_EXTENSION))
    encoding = UCS2 if outside else GSM7
    sizes = [_units(c, encoding) for c in text]
    units = sum(sizes)
    if units <= _SINGLE[encoding]:
        return SmsLength(encoding, units, 1, outside)
    return SmsLength(encoding, units, _pack(sizes, _SEGMENT[encoding]), outside)


def _units(char: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def _pack(sizes: list[int], capacity: int) -> int:
    """Segments needed when no character may straddle two segments."""
    segments, used = 1, 0
    for size in sizes:
        if used + size > capacity:
            segments, used = segments + 1, 0
        used += size
    return segments

"""How many SMS segments a body takes, as the template editor shows and cost estimates use.

A body that only uses the GSM 03.38 default alphabet (3GPP TS 23.038, the basic table and
its extension table) goes out in GSM-7: 160 septets in one message, 153 per part of a
concatenated one (the user data header takes the rest). The extension characters
``^ { } \\ [ ~ ] | €`` and the form feed are an escape plus a septet, so they count 2.
Anything else (``ç``, ``ã``, ``õ``, ``á``, an emoji...) makes the whole body UCS-2: 70
UTF-16 code units in one message, 67 per part; a character outside the Basic Multilingual
Plane (most emoji) is a surrogate pair and counts 2.

A part never splits an escape sequence or a surrogate pair (phones could not join them
again), so a long body can need one more part than ``ceil(characters / 153)``. Of the
Portuguese letters, the basic table holds only ``é É à Ç`` (0x09 is the capital C with
cedilla; the small ``ç`` is not in it); ``ç ã õ á í ó ú â ê ô`` mean UCS-2. We count the
default alphabet only: no national language shift tables, which few phones and providers
support, and no "smart" replacement of characters.

An empty body counts 0 segments, with a whole message left.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "SmsEncoding",
    "SmsSegments",
    "sms_segments",
]

# The basic table, in code order (0x00-0x7F) without the escape at 0x1B.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

_GSM7_SINGLE, _GSM7_PART = 160, 153
_UCS2_SINGLE, _UCS2_PART = 70, 67


class SmsEncoding(StrEnum):
    GSM_7 = "GSM-7"
    UCS_2 = "UCS-2"


class SmsSegments(NamedTuple):
    encoding: SmsEncoding
    characters: int
    """Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole body."""
    segments: int
    characters_left_in_segment: int
    """What still fits in the last segment before another one is needed."""


def _units(text: str) -> tuple[SmsEncoding, list[int]]:
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        return SmsEncoding.GSM_7, [2 if char in GSM7_EXTENSION else 1 for char in text]
    return SmsEncoding.UCS_2, [2 if ord(char) > 0xFFFF else 1 for char in text]


def sms_segments(text: str) -> SmsSegments:
    """The encoding, size, segment count and room left of an SMS body ``text``."""
    encoding, units = _units(text)
    single, part = (
        (_GSM7_SINGLE, _GSM7_PART) if encoding is SmsEncoding.GSM_7 else (_UCS2_SINGLE, _UCS2_PART)
    )
    characters = sum(units)
    if characters == 0:
        return SmsSegments(encoding, 0, 0, single)
    if characters <= single:
        return SmsSegments(encoding, characters, 1, single - characters)
    segments, used = 1, 0
    for unit in units:
        if used + unit > part:
            segments, used = segments + 1, 0
        used += unit
    return SmsSegments(encoding, characters, segments, part - used)

"""How a customer's message is compared with a tenant's opt-out and opt-in keywords.

A message is a keyword only when the WHOLE message is one ("PARAR", " Stop! "), never
when it merely contains one ("não quero parar"). Both sides are normalized the same way:
case folded, accents dropped, punctuation, symbols and spaces trimmed at the ends, inner
runs of spaces made one. Messages longer than any keyword can be are skipped before any
of that, so the inbound path pays a length check for nearly every message.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["MAX_KEYWORD_LENGTH", "MAX_MATCHED_TEXT", "normalize_keyword"]

MAX_KEYWORD_LENGTH: Final = 64
"""The longest keyword a tenant may set."""

MAX_MATCHED_TEXT: Final = 96
"""Messages longer than this are never compared: a keyword with room for the punctuation,
emoji and spaces people put around it."""


# The combining diacritical marks (the accents of Portuguese and Spanish, decomposed): a
# regex is a fifth of the cost of asking unicodedata about each character, and both sides
# go through the same function, so marks of other scripts kept in changes no match.
_MARKS = re.compile("[\u0300-\u036f]+")


def _kept(character: str) -> bool:
    return character.isalnum() or character == "_"


def normalize_keyword(text: str) -> str:
    """``text`` as keywords are compared: ``" Pará! "`` → ``"para"``; empty when nothing
    but punctuation, symbols or spaces."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    if not folded.isascii():
        folded = _MARKS.sub("", folded)
    start, end = 0, len(folded)
    while start < end and not _kept(folded[start]):
        start += 1
    while end > start and not _kept(folded[end - 1]):
        end -= 1
    return " ".join(folded[start:end].split())

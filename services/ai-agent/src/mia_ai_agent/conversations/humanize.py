"""Replies that read as a person's: long answers split into natural messages, each sent
after a pause that grows with its length (as if typed), within the persona's bounds."""

from __future__ import annotations

import re

__all__ = ["TYPING_CHARS_PER_SECOND", "delay_seconds", "split_reply"]

TYPING_CHARS_PER_SECOND = 30.0
"""A brisk typist: 300 characters take 10 s, before the bounds are applied."""

_PART_CHARS = 320
_HARD_LIMIT = 4096  # WhatsApp's text limit (the send contract's)


def split_reply(text: str, *, part_chars: int = _PART_CHARS) -> list[str]:
    """Paragraphs first, then sentences, packed into parts of about ``part_chars``; no part
    is ever cut inside a word unless a single word is longer than the channel's limit."""
    text = text.strip()
    if not text:
        return []
    if len(text) <= part_chars:
        return [text]
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= part_chars:
            pieces.append(paragraph)
            continue
        pieces.extend(s.strip() for s in re.split(r"(?<=[.!?…])\s+", paragraph) if s.strip())
    parts: list[str] = []
    for piece in pieces:
        if parts and len(parts[-1]) + 1 + len(piece) <= part_chars:
            joiner = (
                "\n\n"
                if "\n" in piece or (piece[:1].isupper() and parts[-1].endswith(":"))
                else " "
            )
            parts[-1] = parts[-1] + joiner + piece
        else:
            parts.append(piece)
    return [chunk for part in parts for chunk in _within_limit(part)]


def _within_limit(part: str) -> list[str]:
    if len(part) <= _HARD_LIMIT:
        return [part]
    return [part[i : i + _HARD_LIMIT] for i in range(0, len(part), _HARD_LIMIT)]


def delay_seconds(text: str, *, minimum: float, maximum: float) -> float:
    return max(minimum, min(maximum, len(text) / TYPING_CHARS_PER_SECOND))

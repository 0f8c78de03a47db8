"""What a reply may never do, checked on the reply itself before anyone sees it.

Instructions in a customer's message or a document cannot change the persona's rules (the
model is told so, and they reach it only as quoted data), but a model can still be talked
into repeating its instructions or promising what it must not: so the output is checked
here, whatever produced it. A reply that fails is never sent; the conversation goes to a
person instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mia_ai_agent.conversations.language import folded_words

__all__ = ["GuardrailVerdict", "check_reply", "mentions"]

_SHINGLE = 6  # words: a run this long copied from the instructions is a leak
_SECRET = re.compile(r"\b(sk-[A-Za-z0-9_-]{12,}|AKIA[0-9A-Z]{16})\b")


@dataclass(frozen=True, slots=True)
class GuardrailVerdict:
    ok: bool
    rule: str | None = None
    detail: str | None = None


def mentions(text: str, phrase: str) -> bool:
    """``phrase``'s words, in order and together, inside ``text`` (accents and case aside)."""
    wanted = folded_words(phrase)
    if not wanted:
        return False
    return f" {' '.join(wanted)} " in f" {' '.join(folded_words(text))} "


def check_reply(
    reply: str,
    *,
    instructions: str,
    never_promise: Sequence[str],
    refused_topics: Sequence[str],
) -> GuardrailVerdict:
    if _SECRET.search(reply):
        return GuardrailVerdict(False, "secret", "the reply holds something shaped like a key")
    if _copies(reply, instructions):
        return GuardrailVerdict(False, "instructions_leak", "the reply repeats the instructions")
    for promise in never_promise:
        if mentions(reply, promise):
            return GuardrailVerdict(False, "never_promise", promise)
    for topic in refused_topics:
        if mentions(reply, topic):
            return GuardrailVerdict(False, "refused_topic", topic)
    return GuardrailVerdict(True)


def _copies(reply: str, instructions: str) -> bool:
    source = folded_words(instructions)
    if len(source) < _SHINGLE:
        return bool(source) and f" {' '.join(source)} " in f" {' '.join(folded_words(reply))} "
    shingles = {tuple(source[i : i + _SHINGLE]) for i in range(len(source) - _SHINGLE + 1)}
    words = folded_words(reply)
    return any(tuple(words[i : i + _SHINGLE]) in shingles for i in range(len(words) - _SHINGLE + 1))

"""Extractive mode (no generative model): the best matching passage, read back as a reply
with its source. An FAQ passage is its question then its answer: the answer is read."""

from __future__ import annotations

from mia_ai_agent.conversations.language import Language
from mia_ai_agent.knowledge.retrieval import Passage

__all__ = ["extractive_reply"]

_SOURCE = {"pt": "Fonte", "en": "Source", "es": "Fuente"}


def extractive_reply(passage: Passage, *, language: Language) -> str:
    text = passage.text.strip()
    first, _, rest = text.partition("\n")
    if first.rstrip().endswith("?") and rest.strip():
        text = rest.strip()
    source = passage.document_title
    if passage.heading and passage.heading != passage.document_title:
        source = f"{source} / {passage.heading}"
    return f"{text}\n\n({_SOURCE[language]}: {source})"

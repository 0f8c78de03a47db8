"""Cutting a document's blocks into chunks: along headings, then sentences, with overlap.

A chunk never spans two sections, so it knows its heading path. Inside a section,
sentences are packed up to ``max_chars`` (about 200 tokens: e5-small reads 512, and a
short passage ranks sharper); the next chunk starts with the last sentences of the one
before, up to ``overlap_chars``, so an answer that straddles a cut is whole in one of
them. A sentence longer than a chunk is cut between words. An FAQ pair is one chunk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mia_ai_agent.knowledge.parsing import Block

__all__ = ["HEADING_SEPARATOR", "ChunkDraft", "chunk_blocks", "count_tokens"]

HEADING_SEPARATOR = " > "
_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+")
_TOKENS = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class ChunkDraft:
    heading: str
    text: str

    @property
    def for_embedding(self) -> str:
        """The text the model reads: the section's name helps place a terse passage."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def count_tokens(text: str) -> int:
    """Words and punctuation marks: near the model's count, without its tokenizer."""
    return len(_TOKENS.findall(text))


def _sentences(text: str, max_chars: int) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            out.append(sentence)
    return out


def _sections(blocks: Sequence[Block]) -> list[tuple[tuple[str, ...], list[Block]]]:
    sections: list[tuple[tuple[str, ...], list[Block]]] = []
    for block in blocks:
        if (
            block.whole
            or not sections
            or sections[-1][0] != block.path
            or sections[-1][1][-1].whole
        ):
            sections.append((block.path, [block]))
        else:
            sections[-1][1].append(block)
    return sections


def chunk_blocks(
    blocks: Sequence[Block], *, max_chars: int = 900, overlap_chars: int = 150
) -> list[ChunkDraft]:
    drafts: list[ChunkDraft] = []
    for path, members in _sections(blocks):
        heading = HEADING_SEPARATOR.join(path)
        if members[0].whole:
            drafts.append(ChunkDraft(heading, members[0].text))
            continue
        sentences = [s for block in members for s in _sentences(block.text, max_chars)]
        current: list[str] = []
        size = 0
        fresh = 0  # sentences in ``current`` not carried over from the chunk before
        for sentence in sentences:
            if current and size + 1 + len(sentence) > max_chars:
                drafts.append(ChunkDraft(heading, " ".join(current)))
                current, size = _overlap(current, overlap_chars, len(sentence), max_chars)
                fresh = 0
            current.append(sentence)
            size += len(sentence) + (1 if size else 0)
            fresh += 1
        if current and fresh:
            drafts.append(ChunkDraft(heading, " ".join(current)))
    return drafts


def _overlap(
    previous: list[str], overlap_chars: int, incoming: int, max_chars: int
) -> tuple[list[str], int]:
    """The last sentences of ``previous`` that fit in ``overlap_chars`` and leave room."""
    carried: list[str] = []
    size = 0
    for sentence in reversed(previous):
        grown = size + len(sentence) + (1 if size else 0)
        if grown > overlap_chars or grown + 1 + incoming > max_chars:
            break
        carried.insert(0, sentence)
        size = grown
    return carried, size

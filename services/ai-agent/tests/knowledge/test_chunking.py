"""Chunks follow the headings and sentences, and overlap so no answer is cut in half."""

from __future__ import annotations

import itertools

from mia_ai_agent.knowledge.chunking import chunk_blocks, count_tokens
from mia_ai_agent.knowledge.parsing import MARKDOWN, Block, parse


def _sentences(count: int, topic: str) -> str:
    return " ".join(f"Frase {i} sobre {topic}." for i in range(count))


def test_a_chunk_never_spans_two_sections() -> None:
    source = (
        f"# Loja\n\n## Entrega\n\n{_sentences(3, 'entrega')}"
        f"\n\n## Troca\n\n{_sentences(3, 'troca')}"
    )
    chunks = chunk_blocks(parse(source.encode(), MARKDOWN))

    assert [(c.heading, c.text) for c in chunks] == [
        ("Loja > Entrega", _sentences(3, "entrega")),
        ("Loja > Troca", _sentences(3, "troca")),
    ]


def test_a_long_section_is_cut_between_sentences_with_overlap() -> None:
    blocks = [Block(("Manual", "Entrega"), _sentences(40, "entrega"))]
    chunks = chunk_blocks(blocks, max_chars=200, overlap_chars=60)

    assert len(chunks) > 3
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(c.heading == "Manual > Entrega" for c in chunks)
    for before, after in itertools.pairwise(chunks):
        # Each chunk ends on a whole sentence, and the next starts with the last of them.
        assert before.text.endswith(".")
        first = after.text.split(". ")[0] + "."
        carried = before.text[before.text.rfind(first) :]
        assert first in before.text, (before.text, after.text)
        assert after.text.startswith(carried)
        assert 0 < len(carried) <= 60
    every = " ".join(c.text for c in chunks)
    assert all(f"Frase {i} sobre" in every for i in range(40))


def test_a_sentence_longer_than_a_chunk_is_cut_between_words() -> None:
    long = " ".join(["palavra"] * 100)
    chunks = chunk_blocks([Block((), long)], max_chars=120, overlap_chars=0)

    assert all(len(c.text) <= 120 for c in chunks)
    assert " ".join(c.text for c in chunks).split() == long.split()


def test_an_faq_pair_is_one_chunk_however_long() -> None:
    pair = Block((), "Pergunta?\n" + _sentences(50, "resposta"), whole=True)
    chunks = chunk_blocks([pair, pair], max_chars=200)

    assert [c.text for c in chunks] == [pair.text, pair.text]


def test_the_embedded_text_names_its_section() -> None:
    (chunk,) = chunk_blocks([Block(("Garantia",), "Doze meses.")])

    assert chunk.for_embedding == "Garantia\nDoze meses."
    assert count_tokens("Doze meses, sem juros.") == 6

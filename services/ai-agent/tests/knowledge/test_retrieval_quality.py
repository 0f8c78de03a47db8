"""Retrieval with the embedded model finds the right FAQ pair for customers' own words,
in Portuguese and in English: recall@3 of at least 0.9 on a store's FAQ."""

from __future__ import annotations

import pytest

from support.knowledge import KnowledgeWorld
from support.store_faq import FAQ, QUESTIONS_EN, QUESTIONS_PT


@pytest.fixture
async def store(world: KnowledgeWorld) -> tuple[str, list[str]]:
    """The base's id and, by FAQ index, the text of each pair's chunk."""
    base = await world.create_base("Loja Girassol")
    document = await world.add_faq(base["id"], FAQ)
    await world.until_ready(base["id"], document["id"])
    return base["id"], [f"{q}\n{a}" for q, a in FAQ]


async def _recall_at_3(
    world: KnowledgeWorld, base_id: str, texts: list[str], questions: list[tuple[str, int]]
) -> tuple[float, list[str]]:
    misses: list[str] = []
    for question, expected in questions:
        passages = await world.search(base_id, question, limit=3)
        if texts[expected] not in [passage["text"] for passage in passages]:
            misses.append(f"{question!r} -> {[p['text'][:40] for p in passages]}")
    return 1 - len(misses) / len(questions), misses


async def test_portuguese_questions_find_their_answer_in_the_top_3(
    world: KnowledgeWorld, store: tuple[str, list[str]]
) -> None:
    recall, misses = await _recall_at_3(world, *store, QUESTIONS_PT)

    assert recall >= 0.9, misses


async def test_english_questions_find_their_answer_in_the_top_3(
    world: KnowledgeWorld, store: tuple[str, list[str]]
) -> None:
    recall, misses = await _recall_at_3(world, *store, QUESTIONS_EN)

    assert recall >= 0.9, misses


async def test_every_passage_has_its_similarity_text_only_hits_included(
    world: KnowledgeWorld, store: tuple[str, list[str]]
) -> None:
    base_id, _ = store
    passages = await world.search(base_id, "Girassol pontos Clube", limit=20)

    assert passages
    assert all(0 < passage["similarity"] <= 1 for passage in passages)
    assert any(passage["vector_rank"] is None for passage in passages) or len(passages) == 20
    top = passages[0]
    assert "Clube Girassol" in top["text"]
    assert top["text_rank"] == 1

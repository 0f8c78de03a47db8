"""The models the fake serves: OpenAI's well-known names with their context windows and
embedding sizes, plus any names the settings add (an Ollama or vLLM model's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Catalog", "ModelCard"]

Kind = Literal["chat", "embedding"]


@dataclass(frozen=True, slots=True)
class ModelCard:
    id: str
    kind: Kind
    context_window: int = 128_000
    # Embedding models: the native size, and whether ``dimensions`` may shorten it
    # (only the text-embedding-3 family accepts it).
    dimensions: int = 0
    shortenable: bool = False
    owned_by: str = "system"


_OPENAI = (
    ModelCard("gpt-4o", "chat"),
    ModelCard("gpt-4o-mini", "chat"),
    ModelCard("gpt-4.1", "chat", context_window=1_047_576),
    ModelCard("gpt-4.1-mini", "chat", context_window=1_047_576),
    ModelCard("gpt-4.1-nano", "chat", context_window=1_047_576),
    ModelCard("gpt-5", "chat", context_window=400_000),
    ModelCard("gpt-5-mini", "chat", context_window=400_000),
    ModelCard("gpt-5-nano", "chat", context_window=400_000),
    ModelCard("o4-mini", "chat", context_window=200_000),
    # A small window: what a test reaches to see context_length_exceeded.
    ModelCard("gpt-3.5-turbo", "chat", context_window=16_385),
    ModelCard("text-embedding-3-small", "embedding", 8_192, dimensions=1536, shortenable=True),
    ModelCard("text-embedding-3-large", "embedding", 8_192, dimensions=3072, shortenable=True),
    ModelCard("text-embedding-ada-002", "embedding", 8_192, dimensions=1536),
)


class Catalog:
    def __init__(self, extra_chat_models: tuple[str, ...] = ()) -> None:
        cards = list(_OPENAI) + [
            ModelCard(name, "chat", owned_by="local") for name in extra_chat_models
        ]
        self._cards = {card.id: card for card in cards}

    def get(self, model_id: str) -> ModelCard | None:
        return self._cards.get(model_id)

    def all(self) -> list[ModelCard]:
        return list(self._cards.values())

"""What a model's tokens cost: USD per million input and output tokens.

The defaults are OpenAI's list prices for its well-known models, a starting point a
tenant edits (another provider, a negotiated price, Azure's own). A dated snapshot
(``gpt-4o-mini-2024-07-18``) or an OpenRouter name (``openai/gpt-4o-mini``) takes its
family's price; an unknown model costs nothing until the tenant says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["DEFAULT_PRICES", "Prices", "default_prices"]

_MILLION = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class Prices:
    input_per_million: Decimal
    output_per_million: Decimal

    def cost(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        return (
            self.input_per_million * prompt_tokens + self.output_per_million * completion_tokens
        ) / _MILLION


def _p(input_price: str, output_price: str = "0") -> Prices:
    return Prices(Decimal(input_price), Decimal(output_price))


DEFAULT_PRICES: dict[str, Prices] = {
    "gpt-5": _p("1.25", "10"),
    "gpt-5-mini": _p("0.25", "2"),
    "gpt-5-nano": _p("0.05", "0.40"),
    "gpt-4.1": _p("2", "8"),
    "gpt-4.1-mini": _p("0.40", "1.60"),
    "gpt-4.1-nano": _p("0.10", "0.40"),
    "gpt-4o": _p("2.50", "10"),
    "gpt-4o-mini": _p("0.15", "0.60"),
    "o3": _p("2", "8"),
    "o4-mini": _p("1.10", "4.40"),
    "gpt-3.5-turbo": _p("0.50", "1.50"),
    "text-embedding-3-small": _p("0.02"),
    "text-embedding-3-large": _p("0.13"),
    "text-embedding-ada-002": _p("0.10"),
}
_FREE = _p("0")


def default_prices(model: str) -> Prices:
    """The list price of ``model``'s family (the longest known name it starts with)."""
    name = model.strip().lower().removeprefix("openai/")
    family = max(
        (known for known in DEFAULT_PRICES if name == known or name.startswith(f"{known}-")),
        key=len,
        default=None,
    )
    return DEFAULT_PRICES[family] if family else _FREE

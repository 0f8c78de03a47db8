"""Card order inside a column: fractional index keys, as the dashboard computes them.

``fractional_indexing`` here and the npm ``fractional-indexing`` there are the same
algorithm (base 62 keys, compared byte by byte, hence the column's "C" collation): a key
between two neighbours is always found, it only grows longer when cards keep landing in
the same gap. Past ``REBALANCE_ABOVE`` characters the column is rewritten with short,
evenly spaced keys (``spaced_keys``), in the order it had.
"""

from __future__ import annotations

from fractional_indexing import generate_key_between, generate_n_keys_between

__all__ = ["REBALANCE_ABOVE", "key_between", "needs_rebalance", "spaced_keys"]

REBALANCE_ABOVE = 50
"""A key longer than this has its column rewritten (the column holds at most 128)."""


def key_between(low: str | None, high: str | None) -> str:
    """A key after ``low`` and before ``high`` (None: that end of the column)."""
    key: str = generate_key_between(low, high)
    return key


def needs_rebalance(key: str) -> bool:
    return len(key) > REBALANCE_ABOVE


def spaced_keys(count: int) -> list[str]:
    """``count`` short keys in order: a0, a1, ... az, b00, ... (about 3 characters for a
    column of a few thousand cards)."""
    return list(generate_n_keys_between(None, None, count))

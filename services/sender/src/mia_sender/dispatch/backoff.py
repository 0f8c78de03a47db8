"""Exponential backoff with full jitter, for transient provider failures.

Full jitter (a uniform draw between 0 and the exponential ceiling) spreads the retries of
many sends that failed together (a provider outage) instead of sending them back in one
wave (AWS Architecture Blog, "Exponential Backoff And Jitter").
"""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["full_jitter"]


def full_jitter(
    attempt: int,
    *,
    base: float,
    cap: float,
    floor: float = 0.0,
    draw: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based); at least ``floor``
    (a provider's Retry-After), never more than ``cap`` unless the floor says so."""
    ceiling = min(cap, base * 2.0 ** max(0, attempt - 1))
    return max(floor, draw() * ceiling)

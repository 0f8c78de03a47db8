"""The refusal of a request over its rate limit: a 429 problem with ``Retry-After``."""

from __future__ import annotations

import math

from mia_common.errors import TooManyRequests

__all__ = ["RateLimited"]


class RateLimited(TooManyRequests):
    """``policy`` names the bucket that was empty ("tenant" or "api-key")."""

    def __init__(self, *, subject: str, policy: str, per_minute: int, retry_after: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            f"too many requests for this {subject} ({per_minute} a minute):"
            f" try again in {seconds} s",
            retry_after=retry_after,
            code="rate_limited",
            policy=policy,
        )

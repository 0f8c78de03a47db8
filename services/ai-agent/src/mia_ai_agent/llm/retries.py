"""How long a call to the model may keep trying: a few attempts on 429 and 5xx, waiting
what the provider asks (``retry-after-ms``, ``retry-after`` in seconds or as a date) or
backing off, and never more than ``max_wait_seconds`` in all. A customer is waiting on
the answer: past the cap the conversation goes to people instead.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["RetryPolicy", "retry_after_seconds"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    max_wait_seconds: float = 10.0
    first_backoff_seconds: float = 0.5

    def backoff(self, attempt: int) -> float:
        """The wait after the ``attempt``-th failure (1-based) when the provider names none:
        exponential, with jitter so tenants' retries do not arrive together."""
        return float(self.first_backoff_seconds * 2 ** (attempt - 1) * (0.75 + random.random() / 2))


def retry_after_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """The wait the provider asked for, or None when it named none."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())

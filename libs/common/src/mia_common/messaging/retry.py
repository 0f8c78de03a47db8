"""How a failing handler is retried, and which errors are not worth retrying."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import ValidationError

__all__ = ["PermanentError", "RetryPolicy"]


class PermanentError(Exception):
    """Raised by a handler for input it can never handle: dead-lettered without retries."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff; keep the total well under the consumer's max poll interval."""

    max_attempts: int = 5
    initial_backoff: float = 0.2
    max_backoff: float = 5.0
    multiplier: float = 2.0
    permanent_errors: tuple[type[BaseException], ...] = field(
        default=(ValidationError, PermanentError, json.JSONDecodeError, UnicodeDecodeError)
    )

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return min(self.max_backoff, self.initial_backoff * self.multiplier ** (attempt - 1))

    def is_permanent(self, exc: BaseException) -> bool:
        return isinstance(exc, self.permanent_errors)

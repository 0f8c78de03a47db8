"""How a failing handler is retried, which errors are not worth retrying, and which ones
mean our own infrastructure is away rather than that the record is bad.

A record whose handler fails because PostgreSQL, Redis or Kafka cannot be reached is not
poison: dead-lettering it after a few attempts would drop a customer's message (or a send
request) during any outage longer than the backoff. Such failures are retried for as long
as the outage lasts, at the longest backoff, and never count towards the attempts; a
redelivery after a rebalance is absorbed by the idempotent handlers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import redis.exceptions
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

__all__ = ["INFRASTRUCTURE_ERRORS", "PermanentError", "RetryPolicy", "infrastructure_is_away"]


class PermanentError(Exception):
    """Raised by a handler for input it can never handle: dead-lettered without retries."""


# Raised when a server of ours is unreachable or dropped the connection (asyncpg's own
# connection errors reach us wrapped in SQLAlchemy's OperationalError / InterfaceError).
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    KafkaConnectionError,
    KafkaTimeoutError,
)


def infrastructure_is_away(exc: BaseException) -> bool:
    """True when ``exc`` says a server of ours is away, not that the record is bad."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, INFRASTRUCTURE_ERRORS)


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

    def gives_up(self, exc: BaseException, attempt: int) -> bool:
        """Dead-letter now? At once for a permanent error; after the attempts for any other,
        except while our own infrastructure is away (then never: retried until it is back)."""
        if self.is_permanent(exc):
            return True
        return attempt >= self.max_attempts and not infrastructure_is_away(exc)

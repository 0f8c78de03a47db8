"""The decision for one request: which buckets it draws from, and what they had left.

A policy is a rate per minute and a burst (the bucket's capacity); it reads, in the
``RateLimit-Policy`` field, as ``"tenant";q=600;w=60``: 600 requests in 60 seconds. The
``RateLimit`` field says what the caller has now: ``r`` requests it may send at once, and
``t`` the seconds until its bucket is full again (after a refusal: until the next request
passes, the ``Retry-After``). Redis unreachable lets the request through unlimited, with a
warning: the limits protect the platform, they are not worth refusing every caller over.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import Final

import structlog
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from mia_common.ratelimit import TokenBucket
from mia_gateway.auth.principal import Principal
from mia_gateway.config import GatewaySettings
from mia_gateway.ratelimits.errors import RateLimited

__all__ = [
    "MAX_REDIS_IN_FLIGHT",
    "RATE_LIMITED",
    "PolicyState",
    "RatePolicy",
    "RateVerdict",
    "RequestLimiter",
]

RATE_LIMITED = Counter(
    "mia_gateway_rate_limited_total", "Requests refused by a request rate limit", ["policy"]
)
logger = structlog.get_logger(__name__)
# One warning per this many seconds while Redis is away, not one per request.
_WARN_EVERY_SECONDS: Final = 10.0
# The limiter's share of the process's Redis pool (redis-py's holds 100 and refuses a
# command beyond them): a flood of requests queues here for a connection instead of
# exhausting the pool, which would serve it unlimited and fail the login throttle too.
MAX_REDIS_IN_FLIGHT: Final = 64
_WINDOW_SECONDS: Final = 60


@dataclass(frozen=True, slots=True)
class RatePolicy:
    """``per_minute`` requests a minute, up to ``burst`` at once; 0 a minute: no limit."""

    name: str
    """The policy's name in the fields, and the problem's ``policy``."""
    subject: str
    """What it limits, in words: "company", "API key"."""
    per_minute: int
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    @property
    def per_second(self) -> float:
        return self.per_minute / _WINDOW_SECONDS

    @property
    def field_item(self) -> str:
        """This policy as a member of the ``RateLimit-Policy`` field."""
        return f'"{self.name}";q={self.per_minute};w={_WINDOW_SECONDS}'


@dataclass(frozen=True, slots=True)
class PolicyState:
    """What one bucket holds after this request took (or was refused) its token."""

    policy: RatePolicy
    remaining: int
    reset_seconds: int

    @property
    def field_item(self) -> str:
        """This state as a member of the ``RateLimit`` field."""
        return f'"{self.policy.name}";r={self.remaining};t={self.reset_seconds}'


@dataclass(frozen=True, slots=True)
class RateVerdict:
    """The answer for one request: the policies that apply and the buckets it drew from."""

    policies: tuple[RatePolicy, ...]
    states: tuple[PolicyState, ...]
    refused_by: RatePolicy | None = None
    retry_after: float = 0.0

    @property
    def allowed(self) -> bool:
        return self.refused_by is None

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The ``RateLimit-Policy`` and ``RateLimit`` fields, as ASGI header pairs."""
        headers = [
            (b"ratelimit-policy", ", ".join(p.field_item for p in self.policies).encode()),
        ]
        if self.states:
            headers.append((b"ratelimit", ", ".join(s.field_item for s in self.states).encode()))
        return headers

    def refusal(self) -> RateLimited:
        assert self.refused_by is not None, "only a refused request has a refusal"
        return RateLimited(
            subject=self.refused_by.subject,
            policy=self.refused_by.name,
            per_minute=self.refused_by.per_minute,
            retry_after=self.retry_after,
        )


class RequestLimiter:
    """The tenant and API-key policies of one gateway process, over Redis token buckets."""

    def __init__(self, redis: Redis, *, tenant: RatePolicy, api_key: RatePolicy) -> None:
        self._bucket = TokenBucket(redis, key_prefix="mia:gw:requests")
        self.tenant = tenant
        self.api_key = api_key
        self._warned_at = -math.inf
        self._in_flight = asyncio.Semaphore(MAX_REDIS_IN_FLIGHT)

    @classmethod
    def from_settings(cls, redis: Redis, settings: GatewaySettings) -> RequestLimiter:
        return cls(
            redis,
            tenant=RatePolicy(
                name="tenant",
                subject="company",
                per_minute=settings.tenant_requests_per_minute,
                burst=settings.tenant_request_burst,
            ),
            api_key=RatePolicy(
                name="api-key",
                subject="API key",
                per_minute=settings.api_key_requests_per_minute,
                burst=settings.api_key_request_burst,
            ),
        )

    def _checks(self, principal: Principal) -> list[tuple[RatePolicy, str]]:
        checks: list[tuple[RatePolicy, str]] = []
        # The key first: a key refused by its own limit must not spend its tenant's tokens
        # (the dashboard's), which a tenant-first order would, on every refused request.
        # The other way round, a key's token taken just before its tenant refuses is not
        # given back: the key is one request poorer, which its own refill soon repays.
        if principal.kind == "api_key" and self.api_key.enabled:
            checks.append((self.api_key, f"key:{principal.id}"))
        if self.tenant.enabled:
            checks.append((self.tenant, f"tenant:{principal.tenant_id}"))
        return checks

    async def admit(self, principal: Principal) -> RateVerdict | None:
        """Take this request's tokens; None when no policy applies (or Redis is away)."""
        checks = self._checks(principal)
        if not checks:
            return None
        policies = tuple(policy for policy, _ in checks)
        states: list[PolicyState] = []
        for policy, key in checks:
            try:
                async with self._in_flight:
                    decision = await self._bucket.acquire(
                        key, rate=policy.per_second, capacity=policy.burst
                    )
            except RedisError as error:
                self._warn_unlimited(error)
                return None
            if not decision.allowed:
                RATE_LIMITED.labels(policy.name).inc()
                states.append(PolicyState(policy, 0, max(1, math.ceil(decision.retry_after))))
                return RateVerdict(
                    policies, tuple(states), refused_by=policy, retry_after=decision.retry_after
                )
            missing = policy.burst - decision.remaining
            states.append(
                PolicyState(policy, decision.remaining, math.ceil(missing / policy.per_second))
            )
        return RateVerdict(policies, tuple(states))

    def _warn_unlimited(self, error: RedisError) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning("request rate limits unavailable: serving unlimited", error=repr(error))

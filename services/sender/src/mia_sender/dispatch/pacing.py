"""Keeping each account under its provider throughput, and each customer under the pair rate.

Account pacing uses the shared Redis token bucket with a capacity of one token, refilled
at ``throughput * (1 - headroom)`` per second: consecutive calls are at least one refill
apart, so no one-second window holds more than the throughput even when a dispatcher
hands over to another replica (they draw from the same bucket). A larger bucket would let
a burst plus a second's refill exceed the limit, which the provider measures per second.
The headroom absorbs network jitter between our clock and the provider's arrival times.

The pair limit is a small bucket per account and customer (Meta: about one message every
6 seconds to the same customer, short bursts tolerated), checked without waiting: a
customer over it has their send rescheduled while other customers' sends go on.
"""

from __future__ import annotations

import uuid

from mia_common.ratelimit import RateDecision, TokenBucket

__all__ = ["Pacer"]


class Pacer:
    def __init__(
        self,
        buckets: TokenBucket,
        *,
        headroom: float,
        pair_rate: float,
        pair_burst: int,
    ) -> None:
        self._buckets = buckets
        self._headroom = headroom
        self._pair_rate = pair_rate
        self._pair_burst = pair_burst

    def account_rate(self, throughput_per_second: int) -> float:
        return max(0.1, throughput_per_second * (1 - self._headroom))

    async def wait_for_account(self, account_id: uuid.UUID, throughput_per_second: int) -> None:
        """Return when this account may make its next call."""
        await self._buckets.wait(
            f"account:{account_id}", rate=self.account_rate(throughput_per_second), capacity=1
        )

    async def try_recipient(self, account_id: uuid.UUID, recipient_key: str) -> RateDecision:
        """Take the customer's pair token if there is one; ``retry_after`` says when."""
        return await self._buckets.acquire(
            f"pair:{account_id}:{recipient_key}", rate=self._pair_rate, capacity=self._pair_burst
        )

"""Specification of the Redis token bucket, run against the real local Redis server."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from mia_common.ratelimit import RateLimitTimeout, TokenBucket
from mia_common.settings import PlatformSettings

REDIS_URL = PlatformSettings().redis_url


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def bucket(redis: Redis) -> TokenBucket:
    return TokenBucket(redis, key_prefix=f"mia:test:rl:{uuid.uuid4().hex}")


def _key() -> str:
    return f"bucket-{uuid.uuid4().hex}"


async def _server_seconds(redis: Redis) -> float:
    seconds, microseconds = await redis.time()
    return seconds + microseconds / 1e6


async def test_the_token_bucket_never_admits_more_than_its_rate_under_50_concurrent_clients(
    redis: Redis,
) -> None:
    rate, capacity = 20.0, 20
    key, prefix = _key(), f"mia:test:rl:{uuid.uuid4().hex}"
    window_seconds, max_attempts_per_client = 1.5, 400
    clients = [Redis.from_url(REDIS_URL) for _ in range(50)]
    try:
        # Connect every client first so the window measures contention, not handshakes.
        await asyncio.gather(*(client.ping() for client in clients))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + window_seconds

        async def hammer(client: Redis) -> tuple[int, int]:
            bucket = TokenBucket(client, key_prefix=prefix)
            admitted = denied = 0
            for _ in range(max_attempts_per_client):
                if loop.time() >= deadline:
                    break
                decision = await bucket.acquire(key, rate=rate, capacity=capacity)
                if decision.allowed:
                    admitted += 1
                else:
                    denied += 1
            return admitted, denied

        started = await _server_seconds(redis)
        results = await asyncio.gather(*(hammer(client) for client in clients))
        elapsed = await _server_seconds(redis) - started
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))

    admitted = sum(a for a, _ in results)
    denied = sum(d for _, d in results)
    assert denied > 0, "the clients never contended for the bucket; the test proves nothing"
    # It starts full, so at least the burst goes through; beyond it only the refill.
    assert capacity <= admitted <= capacity + rate * elapsed


async def test_a_drained_bucket_says_when_to_retry_and_admits_again_after_refill(
    bucket: TokenBucket,
) -> None:
    key, rate, capacity = _key(), 10.0, 2
    first = await bucket.acquire(key, rate=rate, capacity=capacity)
    second = await bucket.acquire(key, rate=rate, capacity=capacity)
    assert (first.allowed, first.remaining, first.retry_after) == (True, 1, 0)
    assert (second.allowed, second.remaining) == (True, 0)

    refused = await bucket.acquire(key, rate=rate, capacity=capacity)
    assert not refused.allowed
    assert refused.remaining == 0
    # One token comes back every 1/rate seconds, and never sooner than the bucket says.
    assert 0 < refused.retry_after <= 1 / rate

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    decision = refused
    while not decision.allowed:
        assert loop.time() < deadline, "the bucket never refilled"
        await asyncio.sleep(decision.retry_after)
        decision = await bucket.acquire(key, rate=rate, capacity=capacity)


async def test_a_cost_larger_than_the_tokens_left_waits_for_all_of_them(
    bucket: TokenBucket,
) -> None:
    key, rate, capacity = _key(), 1.0, 5
    await bucket.acquire(key, rate=rate, capacity=capacity, cost=4)

    decision = await bucket.acquire(key, rate=rate, capacity=capacity, cost=3)

    assert not decision.allowed
    assert decision.remaining == 1
    # Two tokens short at one per second (a little may have refilled between the calls);
    # a bucket pricing only one token, or all three, would say about 1 s or 3 s.
    assert 1.5 < decision.retry_after <= 2.0


async def test_buckets_with_different_keys_are_independent(bucket: TokenBucket) -> None:
    drained, fresh = _key(), _key()
    assert (await bucket.acquire(drained, rate=0.001, capacity=1)).allowed
    assert not (await bucket.acquire(drained, rate=0.001, capacity=1)).allowed

    assert (await bucket.acquire(fresh, rate=0.001, capacity=1)).allowed


async def test_buckets_state_lives_in_redis_with_an_expiry(
    bucket: TokenBucket, redis: Redis
) -> None:
    key = _key()
    await bucket.acquire(key, rate=10.0, capacity=20)

    state = await redis.hgetall(bucket.bucket_key(key))
    ttl_ms = await redis.pttl(bucket.bucket_key(key))

    assert set(state) == {b"tokens", b"ts"}
    assert float(state[b"tokens"]) == 19
    # Refilling 20 tokens at 10/s takes 2 s: after that an idle bucket is just a full one.
    assert 0 < ttl_ms <= 3000


async def test_wait_returns_once_the_tokens_are_there(bucket: TokenBucket) -> None:
    key = _key()
    await bucket.acquire(key, rate=20.0, capacity=1)

    decision = await bucket.wait(key, rate=20.0, capacity=1, timeout=5)

    assert decision.allowed


async def test_wait_gives_up_at_once_when_tokens_cannot_come_before_the_timeout(
    bucket: TokenBucket,
) -> None:
    key = _key()
    await bucket.acquire(key, rate=0.01, capacity=1)  # the next token is 100 s away

    with pytest.raises(RateLimitTimeout) as raised:
        await asyncio.wait_for(bucket.wait(key, rate=0.01, capacity=1, timeout=1), 0.5)

    assert raised.value.retry_after > 1


@pytest.mark.parametrize(
    ("rate", "capacity", "cost"),
    [(0.0, 1, 1), (-1.0, 1, 1), (float("inf"), 1, 1), (1.0, 0, 1), (1.0, 2, 3), (1.0, 2, 0)],
)
async def test_impossible_limits_are_refused(
    bucket: TokenBucket, rate: float, capacity: int, cost: int
) -> None:
    with pytest.raises(ValueError, match="must be"):
        await bucket.acquire(_key(), rate=rate, capacity=capacity, cost=cost)

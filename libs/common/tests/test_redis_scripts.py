"""The platform's Lua scripts on the real Redis: pacing, throttles, windows, limits, leases."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from mia_common.redis_scripts import RedisScripts


@pytest.fixture
async def prefix(redis_client: Redis) -> AsyncIterator[str]:
    """A key prefix of this test's own, its keys removed afterwards."""
    name = f"test:scripts:{uuid.uuid4().hex[:10]}"
    yield name
    async for key in redis_client.scan_iter(match=f"{name}:*"):
        await redis_client.unlink(key)


def test_scripts_are_registered_once_per_client(redis_client: Redis) -> None:
    assert RedisScripts.of(redis_client) is RedisScripts.of(redis_client)


async def test_reserved_slots_are_one_interval_apart_across_calls(
    redis_client: Redis, prefix: str
) -> None:
    scripts = RedisScripts.of(redis_client)
    first = await scripts.reserve_slots(f"{prefix}:pace", interval_us=10_000, slots=3)
    second = await scripts.reserve_slots(f"{prefix}:pace", interval_us=10_000, slots=2)
    assert first[0] == 0, "an idle account's first slot is now"
    assert [b - a for a, b in itertools.pairwise(first)] == [10_000, 10_000]
    # The next call continues after the last slot reserved, whoever makes it.
    assert second[0] >= first[-1] + 10_000 - 5_000  # less the time between the two calls
    assert second[1] - second[0] == 10_000


async def test_gcra_allows_a_burst_then_says_how_long_to_wait(
    redis_client: Redis, prefix: str
) -> None:
    scripts = RedisScripts.of(redis_client)
    keys = [f"{prefix}:pair:a"] * 4 + [f"{prefix}:pair:b"]
    decisions = await scripts.gcra_take_many(keys, interval_us=6_000_000, burst=3)
    assert [d.allowed for d in decisions] == [True, True, True, False, True]
    assert 5_000_000 < decisions[3].retry_after_us <= 6_000_000


async def test_token_bucket_takes_until_empty(redis_client: Redis, prefix: str) -> None:
    scripts = RedisScripts.of(redis_client)
    answers = [await scripts.token_bucket(f"{prefix}:bucket", rate=1, capacity=2) for _ in range(3)]
    assert [a.allowed for a in answers] == [True, True, False]
    assert answers[1].remaining == 0
    assert answers[2].retry_after_us > 0


async def test_keep_newest_never_goes_back_to_an_older_time(
    redis_client: Redis, prefix: str
) -> None:
    scripts = RedisScripts.of(redis_client)
    key = f"{prefix}:window"
    await scripts.keep_newest_many([key], at_ms=2_000_000_000_000, ttl_ms=60_000)
    await scripts.keep_newest_many([key], at_ms=1_999_999_000_000, ttl_ms=60_000)
    assert int(await redis_client.get(key) or 0) == 2_000_000_000_000
    await scripts.keep_newest_many([key], at_ms=2_000_000_001_000, ttl_ms=60_000)
    assert int(await redis_client.get(key) or 0) == 2_000_000_001_000


async def test_admit_unique_counts_each_member_once_up_to_the_limit(
    redis_client: Redis, prefix: str
) -> None:
    scripts = RedisScripts.of(redis_client)
    answers = await scripts.admit_unique_many(
        f"{prefix}:daily", members=["a", "b", "a", "c"], limit=2, window_ms=86_400_000
    )
    assert [(a.allowed, a.count, a.newly_counted) for a in answers] == [
        (True, 1, True),
        (True, 2, True),
        (True, 2, False),  # already counted: admitted, not counted again
        (False, 2, False),  # a third customer over the limit of two
    ]


async def test_only_the_lease_holder_renews_or_releases_it(
    redis_client: Redis, prefix: str
) -> None:
    scripts = RedisScripts.of(redis_client)
    key = f"{prefix}:lease"
    assert await redis_client.set(key, "holder", nx=True, px=5_000)
    assert not await scripts.renew_if_owner(key, owner="someone else", ttl_ms=60_000)
    assert not await scripts.release_if_owner(key, owner="someone else")
    assert await scripts.renew_if_owner(key, owner="holder", ttl_ms=60_000)
    assert await redis_client.pttl(key) > 5_000
    assert await scripts.release_if_owner(key, owner="holder")
    assert await redis_client.get(key) is None


async def test_set_all_expiring_sets_every_key_with_its_expiry_in_one_call(
    redis_client: Redis, prefix: str
) -> None:
    scripts = RedisScripts.of(redis_client)
    keys = [f"{prefix}:seen:{n}" for n in range(5)]
    await redis_client.set(keys[0], b"old")  # overwritten, and given the expiry
    await scripts.set_all_expiring(keys, value=b"1", ttl_seconds=120)
    await scripts.set_all_expiring([], value=b"1", ttl_seconds=120)  # nothing to do
    assert await redis_client.mget(keys) == [b"1"] * 5
    ttls = [await redis_client.ttl(key) for key in keys]
    assert all(110 <= ttl <= 120 for ttl in ttls), ttls

"""RoundLoop: rounds when woken and on its tick, a failing round retried, stop ends it."""

from __future__ import annotations

import asyncio

from mia_common.rounds import RoundLoop
from mia_common.testing import wait_until


async def test_a_wake_runs_a_round_long_before_the_tick() -> None:
    rounds: list[float] = []
    loop = asyncio.get_running_loop()

    async def count() -> None:
        rounds.append(loop.time())

    worker = RoundLoop("test-wake", count, tick_seconds=3600)
    await worker.start()
    try:
        woken_at = loop.time()
        worker.wake()
        await wait_until(lambda: rounds or None, timeout=5, message="a round after the wake")
    finally:
        await worker.stop()

    assert rounds[0] - woken_at < 1.0


async def test_without_wakes_the_tick_runs_rounds() -> None:
    rounds: list[int] = []

    async def count() -> None:
        rounds.append(1)

    worker = RoundLoop("test-tick", count, tick_seconds=0.05)
    await worker.start()
    try:
        await wait_until(lambda: len(rounds) >= 3 or None, timeout=5, message="three ticks")
    finally:
        await worker.stop()


async def test_a_failing_round_is_retried_and_the_task_lives_on() -> None:
    attempts: list[int] = []

    async def flaky() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database blip")

    worker = RoundLoop("test-retry", flaky, tick_seconds=0.05, retry_seconds=0.05)
    await worker.start()
    try:
        await wait_until(lambda: len(attempts) >= 3 or None, timeout=5, message="rounds go on")
    finally:
        await worker.stop()


async def test_after_stop_no_round_runs() -> None:
    rounds: list[int] = []

    async def count() -> None:
        rounds.append(1)

    worker = RoundLoop("test-stop", count, tick_seconds=0.01)
    await worker.start()
    await wait_until(lambda: len(rounds) >= 2 or None, timeout=5, message="rounds running")
    await worker.stop()
    stopped_at = len(rounds)
    worker.wake()
    # A live loop would run about 20 rounds in this window (its tick is 10 ms).
    await asyncio.sleep(0.2)

    assert len(rounds) == stopped_at

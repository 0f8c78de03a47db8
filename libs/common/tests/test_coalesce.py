"""Concurrent callers sharing one call: results to each, failures to each, no one stranded."""

from __future__ import annotations

import asyncio

import pytest

from mia_common.coalesce import Coalescer
from mia_common.testing import wait_until


class Recorder:
    """A ``run`` that records its calls and can be held open or made to fail."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.release = asyncio.Event()
        self.release.set()
        self.entered = asyncio.Event()
        self.fail_with: Exception | None = None

    async def __call__(self, items: list[int]) -> list[int]:
        self.calls.append(items)
        self.entered.set()
        await self.release.wait()
        if self.fail_with is not None:
            raise self.fail_with
        return [item * 10 for item in items]


async def test_callers_arriving_while_a_call_is_in_flight_share_the_next_call() -> None:
    run = Recorder()
    run.release.clear()
    coalesce = Coalescer(run)
    first = asyncio.create_task(coalesce([1]))
    await asyncio.wait_for(run.entered.wait(), 5)  # the first call in flight, held open
    later = [asyncio.create_task(coalesce(items)) for items in ([2, 3], [4], [5, 6])]
    await wait_until(lambda: len(coalesce._waiting) == 3, message="the three callers waiting")
    run.release.set()
    assert await first == [10]
    assert [await task for task in later] == [[20, 30], [40], [50, 60]]
    assert run.calls == [[1], [2, 3, 4, 5, 6]], "the three waiting callers went in one call"


async def test_a_lone_caller_is_served_at_once_and_an_empty_ask_makes_no_call() -> None:
    run = Recorder()
    coalesce = Coalescer(run)
    assert await coalesce([7]) == [70]
    assert await coalesce([]) == []
    assert await coalesce([8]) == [80]
    assert run.calls == [[7], [8]]


async def test_a_failed_call_fails_each_of_its_callers_and_the_next_call_still_runs() -> None:
    run = Recorder()
    run.release.clear()
    run.fail_with = ConnectionError("redis went away")
    coalesce = Coalescer(run)
    tasks = [asyncio.create_task(coalesce([n])) for n in (1, 2)]
    await asyncio.wait_for(run.entered.wait(), 5)
    run.release.set()
    for task in tasks:
        with pytest.raises(ConnectionError, match="redis went away"):
            await task
    run.fail_with = None
    assert await coalesce([3]) == [30]


async def test_a_caller_that_gives_up_leaves_the_others_their_results() -> None:
    run = Recorder()
    run.release.clear()
    coalesce = Coalescer(run)
    impatient = asyncio.create_task(coalesce([1]))
    patient = asyncio.create_task(coalesce([2]))
    await asyncio.wait_for(run.entered.wait(), 5)
    impatient.cancel()
    run.release.set()
    assert await patient == [20]
    with pytest.raises(asyncio.CancelledError):
        await impatient

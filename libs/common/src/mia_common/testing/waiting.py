"""Waiting on a condition with a deadline: the only way our tests wait."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

__all__ = ["wait_until"]

T = TypeVar("T")


@overload
async def wait_until(
    condition: Callable[[], Awaitable[T | None]],
    *,
    timeout: float = ...,  # noqa: ASYNC109
    interval: float = ...,
    message: str = ...,
) -> T: ...


@overload
async def wait_until(
    condition: Callable[[], T | None],
    *,
    timeout: float = ...,  # noqa: ASYNC109
    interval: float = ...,
    message: str = ...,
) -> T: ...


async def wait_until(
    condition: Callable[[], Any],
    *,
    # A deadline is this helper's whole point, so it takes one rather than asyncio.timeout.
    timeout: float = 15.0,  # noqa: ASYNC109
    interval: float = 0.05,
    message: str = "condition",
) -> Any:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` s.

    Returns that value (never None: a condition may return ``X | None`` and get an X)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        result = condition()
        last = await result if inspect.isawaitable(result) else result
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout}s (last value: {last!r})")
        await asyncio.sleep(interval)

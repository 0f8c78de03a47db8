"""A service app started and stopped in a test's process, as uvicorn would (its lifespan).

A service joins its Kafka consumer groups while it starts. With several apps of one test
run on one broker and the machine busy, a group's rebalance takes longer than
asgi-lifespan's default of 5 s for the whole start-up: tests failed on a slow start, not
on what they test.
"""

from __future__ import annotations

from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp

__all__ = ["APP_START_SECONDS", "running"]

APP_START_SECONDS = 60.0
"""How long a start-up (or a shutdown) may take before the test fails."""


def running(app: ASGIApp) -> LifespanManager:
    """``async with running(app):`` the app started, stopped on leaving."""
    return LifespanManager(
        app, startup_timeout=APP_START_SECONDS, shutdown_timeout=APP_START_SECONDS
    )

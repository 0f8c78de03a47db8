"""Periodic tasks: every runner calls them when due, and one that fails is called again."""

from __future__ import annotations

from typing import Any

from mia_common.testing import wait_until
from mia_crm.jobs import registry
from mia_crm.jobs.runner import JobRunner
from support.world import World


async def test_a_runner_calls_its_periodic_tasks_again_and_again_even_after_a_failure(
    world: World,
) -> None:
    calls: list[str] = []

    async def tick(sessions: Any, settings: Any) -> None:
        calls.append("tick")
        if len(calls) == 1:
            raise RuntimeError("the first sweep failed")

    registry.register_periodic("test.tick", tick, every_seconds=0.05)
    runner = JobRunner(
        sessions=world.app.state.context.infra.sessions,
        settings=world.settings,
        owner="periodic",
        poll_seconds=0.02,
    )
    try:
        await runner.start()
        await wait_until(
            lambda: len(calls) >= 3 or None, timeout=10, message="three calls of the task"
        )
    finally:
        await runner.stop()
        registry._PERIODIC.pop("test.tick", None)
    assert calls[:3] == ["tick", "tick", "tick"]

"""A crm process that dies in the middle of a job, and another that takes the job over.

``held_by_a_doomed_runner`` marks a job (started as the API would) as running under a
lease of a runner about to die, so the app's own runner leaves it alone; ``run_until_it
dies`` runs it there for some steps and "kills the process"; ``lease_runs_out`` ends the
lease and wakes the app's runner, which resumes the job from its checkpoint.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.jobs.runner import JobRunner, RunningJob
from mia_crm.models import Job
from support.world import World

__all__ = ["held_by_a_doomed_runner", "lease_runs_out", "run_until_it_dies"]

DOOMED = "doomed"


class ProcessDied(BaseException):
    """The process running the job is gone (not an error the runner could record)."""


async def held_by_a_doomed_runner(session: AsyncSession, job_id: uuid.UUID) -> None:
    """In the transaction that started the job: its lease is the doomed runner's."""
    await session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            status="running",
            lease_owner=DOOMED,
            lease_expires_at=datetime.now(UTC) + timedelta(minutes=5),
            attempts=1,
        )
    )


async def run_until_it_dies(world: World, job: Job, *, steps: int) -> None:
    """Run ``job`` on the doomed runner until its ``steps``-th step (the first counts the
    work), where the process dies."""

    def die(running: RunningJob) -> None:
        if running.steps == steps:
            raise ProcessDied

    doomed = JobRunner(
        sessions=world.app.state.context.infra.sessions,
        settings=world.settings,
        owner=DOOMED,
        on_step=die,
    )
    with pytest.raises(ProcessDied):
        await doomed.execute(doomed.running(job))


async def lease_runs_out(world: World, job_id: uuid.UUID) -> None:
    """The dead runner's lease ends; the app's runner is woken to take the job over."""
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(
            update(Job).where(Job.id == job_id).values(lease_expires_at=func.now())
        )
    world.app.state.context.jobs.wake()

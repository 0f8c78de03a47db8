"""The job runner: every crm process runs one, started and stopped with the app.

It claims a queued job (or a running one whose lease ran out: its process died) with
``FOR UPDATE SKIP LOCKED``, so any number of processes share the queue without taking a
job twice, and holds it by a lease it renews (a heartbeat, and every step). The handler
works in steps: each ``async with job.step() as step`` is one transaction that first locks
the job's row and checks that this runner still holds the lease and nobody asked to
cancel, and commits the step's work together with the job's progress and checkpoint. A
step is therefore applied once: if the process dies in the middle, the step rolls back
and the next runner resumes from the checkpoint the last committed step wrote; a runner
whose lease was taken over fails its next step instead of applying it.

Progress is read by polling ``GET /api/v1/jobs/{id}`` (the dashboard asks every second):
every step commits its counts, so the answer is at most one step behind.

The runner also calls the periodic tasks (``register_periodic``) when they are due, one
at a time each, beside the jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.errors import AppError
from mia_crm.config import CrmSettings
from mia_crm.jobs.registry import PeriodicTask, handler_for, periodic_tasks, registered_kinds
from mia_crm.models import Job, JobStatus

__all__ = ["JobCancelled", "JobRunner", "LeaseLost", "RunningJob", "Step"]

logger = structlog.get_logger(__name__)

LEASE_SECONDS = 30.0
POLL_SECONDS = 0.5
CONCURRENCY = 2
MAX_ATTEMPTS = 5
"""A job claimed this many times without finishing (its process died each time) fails."""


class LeaseLost(Exception):
    """Another runner holds the job now (this one stalled past its lease)."""


class JobCancelled(Exception):
    """Someone asked to cancel the job; raised by the next step."""


@dataclass(kw_only=True, eq=False)
class Step:
    """One step's transaction, and what it did (added to the job when it commits)."""

    session: AsyncSession
    processed: int = 0
    succeeded: int = 0
    failed: int = 0
    total: int | None = None
    checkpoint: dict[str, Any] | None = None

    def advance(
        self,
        *,
        processed: int = 0,
        succeeded: int = 0,
        failed: int = 0,
        checkpoint: dict[str, Any] | None = None,
        total: int | None = None,
    ) -> None:
        """Count what this step did; ``checkpoint`` replaces the job's when it commits."""
        self.processed += processed
        self.succeeded += succeeded
        self.failed += failed
        if checkpoint is not None:
            self.checkpoint = checkpoint
        if total is not None:
            self.total = total


@dataclass(kw_only=True, eq=False)
class RunningJob:
    """What a handler gets: the job as claimed, and the means to work on it in steps."""

    id: Any
    tenant_id: Any
    kind: str
    params: dict[str, Any]
    checkpoint: dict[str, Any] | None
    created_by_user_id: Any
    attempts: int
    settings: CrmSettings
    sessions: async_sessionmaker[AsyncSession]
    owner: str
    lease: timedelta
    on_step: Callable[[RunningJob], Any] | None = None
    steps: int = 0

    @contextlib.asynccontextmanager
    async def step(self) -> AsyncIterator[Step]:
        """A transaction fenced by the lease: ``LeaseLost`` or ``JobCancelled`` before any
        work when the job is no longer this runner's to do; commits the work, the counts
        and the checkpoint together."""
        async with self.sessions() as session, session.begin():
            row = (
                await session.execute(
                    select(Job.lease_owner, Job.status, Job.cancel_requested_at)
                    .where(Job.id == self.id)
                    .with_for_update()
                )
            ).one_or_none()
            if row is None or row.lease_owner != self.owner or row.status != JobStatus.RUNNING:
                raise LeaseLost(f"job {self.id} is no longer held by {self.owner}")
            if row.cancel_requested_at is not None:
                raise JobCancelled(f"job {self.id} was cancelled")
            step = Step(session=session)
            yield step
            values: dict[str, Any] = {
                "processed": Job.processed + step.processed,
                "succeeded": Job.succeeded + step.succeeded,
                "failed": Job.failed + step.failed,
                "lease_expires_at": func.now() + self.lease,
            }
            if step.total is not None:
                values["total"] = step.total
            if step.checkpoint is not None:
                values["checkpoint"] = step.checkpoint
                self.checkpoint = step.checkpoint
            await session.execute(update(Job).where(Job.id == self.id).values(**values))
        self.steps += 1
        if self.on_step is not None:
            self.on_step(self)


def _worker_id() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(kw_only=True, eq=False)
class JobRunner:
    sessions: async_sessionmaker[AsyncSession]
    settings: CrmSettings
    owner: str = field(default_factory=_worker_id)
    lease_seconds: float = LEASE_SECONDS
    poll_seconds: float = POLL_SECONDS
    concurrency: int = CONCURRENCY
    on_step: Callable[[RunningJob], Any] | None = None
    """Called after each committed step (tests stop a runner there, as a crash would)."""
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _loop_task: asyncio.Task[None] | None = field(default=None, init=False)
    _running: dict[Any, asyncio.Task[None]] = field(default_factory=dict, init=False)
    _periodic: dict[str, asyncio.Task[None]] = field(default_factory=dict, init=False)
    _periodic_due: dict[str, float] = field(default_factory=dict, init=False)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    def wake(self) -> None:
        """Look for a job now rather than at the next poll (call after committing one)."""
        self._wake.set()

    async def start(self) -> None:
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._loop(), name="crm-job-runner")

    async def stop(self) -> None:
        """Stop claiming, interrupt the jobs in hand (their open step rolls back) and let
        their leases go, so another process resumes them at once."""
        tasks = [
            t
            for t in (self._loop_task, *self._running.values(), *self._periodic.values())
            if t is not None
        ]
        self._loop_task = None
        self._periodic.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        held = list(self._running)
        self._running.clear()
        if held:
            with contextlib.suppress(Exception):
                async with self.sessions() as session, session.begin():
                    await session.execute(
                        update(Job)
                        .where(
                            Job.id.in_(held),
                            Job.lease_owner == self.owner,
                            Job.status == JobStatus.RUNNING,
                        )
                        .values(lease_expires_at=func.now())
                    )

    async def _loop(self) -> None:
        while True:
            try:
                while len(self._running) < self.concurrency:
                    job = await self.claim()
                    if job is None:
                        break
                    task = asyncio.create_task(self.execute(job), name=f"crm-job-{job.id}")
                    self._running[job.id] = task
                    task.add_done_callback(functools.partial(self._finished, job.id))
            except Exception:
                logger.exception("job_claim_failed")
            self._start_due_periodic()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    def _start_due_periodic(self) -> None:
        now = time.monotonic()
        for task in periodic_tasks():
            if task.name in self._periodic or now < self._periodic_due.get(task.name, 0.0):
                continue
            self._periodic_due[task.name] = now + task.every_seconds
            self._periodic[task.name] = asyncio.create_task(
                self._run_periodic(task), name=f"crm-periodic-{task.name}"
            )

    async def _run_periodic(self, task: PeriodicTask) -> None:
        try:
            await task.run(self.sessions, self.settings)
        except Exception:
            logger.exception("periodic_task_failed", task=task.name)
        finally:
            self._periodic.pop(task.name, None)

    def _finished(self, job_id: Any, _task: asyncio.Task[None]) -> None:
        self._running.pop(job_id, None)
        self._wake.set()

    async def claim(self) -> RunningJob | None:
        """The oldest job nobody holds, now held by this runner (None when there is none)."""
        kinds = registered_kinds()
        if not kinds:
            return None
        claimable = (
            select(Job.id)
            .where(
                or_(
                    Job.status == JobStatus.QUEUED,
                    (Job.status == JobStatus.RUNNING) & (Job.lease_expires_at < func.now()),
                ),
                Job.kind.in_(kinds),
            )
            .order_by(Job.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        async with self.sessions() as session, session.begin():
            claimed = (
                await session.scalars(
                    update(Job)
                    .where(Job.id == claimable)
                    .values(
                        status=JobStatus.RUNNING,
                        lease_owner=self.owner,
                        lease_expires_at=func.now() + self.lease,
                        attempts=Job.attempts + 1,
                        started_at=func.coalesce(Job.started_at, func.now()),
                    )
                    .returning(Job)
                    .execution_options(synchronize_session=False)
                )
            ).one_or_none()
        if claimed is None:
            return None
        return self.running(claimed)

    def running(self, job: Job) -> RunningJob:
        return RunningJob(
            id=job.id,
            tenant_id=job.tenant_id,
            kind=job.kind,
            params=dict(job.params),
            checkpoint=job.checkpoint,
            created_by_user_id=job.created_by_user_id,
            attempts=job.attempts,
            settings=self.settings,
            sessions=self.sessions,
            owner=self.owner,
            lease=self.lease,
            on_step=self.on_step,
        )

    async def execute(self, job: RunningJob) -> None:
        """Run a claimed job to its end (succeeded, failed or cancelled), unless the lease is
        lost; an interrupted process leaves it to the next claim."""
        handler = handler_for(job.kind)
        heartbeat = asyncio.create_task(self._heartbeat(job))
        try:
            if handler is None:
                await self._finish(job, JobStatus.FAILED, error=f"no handler for {job.kind}")
            elif job.attempts > MAX_ATTEMPTS:
                error = f"interrupted {MAX_ATTEMPTS} times; not tried again"
                await self._finish(job, JobStatus.FAILED, error=error)
            else:
                try:
                    result = await handler(job)
                except JobCancelled:
                    await self._finish(job, JobStatus.CANCELLED)
                except LeaseLost:
                    logger.warning("job_lease_lost", job_id=str(job.id), kind=job.kind)
                except AppError as error:
                    await self._finish(job, JobStatus.FAILED, error=error.detail)
                except (DBAPIError, OSError) as error:
                    if isinstance(error, DBAPIError) and not error.connection_invalidated:
                        logger.exception("job_failed", job_id=str(job.id), kind=job.kind)
                        await self._finish(job, JobStatus.FAILED, error=_describe(error))
                    else:
                        # The database went away mid-step: that step rolled back, and the
                        # job resumes from its checkpoint once the lease runs out (the
                        # attempts bound how often).
                        logger.warning("job_interrupted", job_id=str(job.id), exc_info=True)
                except Exception as error:
                    logger.exception("job_failed", job_id=str(job.id), kind=job.kind)
                    await self._finish(job, JobStatus.FAILED, error=_describe(error))
                else:
                    await self._finish(job, JobStatus.SUCCEEDED, result=result)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _finish(
        self,
        job: RunningJob,
        status: JobStatus,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(Job)
                .where(
                    Job.id == job.id,
                    Job.lease_owner == self.owner,
                    Job.status == JobStatus.RUNNING,
                )
                .values(
                    status=status,
                    result=result,
                    error=None if error is None else error[:2000],
                    finished_at=func.now(),
                    lease_owner=None,
                    lease_expires_at=None,
                )
            )

    async def _heartbeat(self, job: RunningJob) -> None:
        """Renew the lease while a step runs long (each step renews it too)."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                async with self.sessions() as session, session.begin():
                    await session.execute(
                        update(Job)
                        .where(
                            Job.id == job.id,
                            Job.lease_owner == self.owner,
                            Job.status == JobStatus.RUNNING,
                        )
                        .values(lease_expires_at=func.now() + self.lease)
                    )
            except Exception:
                logger.warning("job_heartbeat_failed", job_id=str(job.id), exc_info=True)


def _describe(error: Exception) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__

"""Which function runs which kind of job: ``register_job_kind("contacts.import", run)``.

A handler is ``async def run(job: RunningJob) -> dict | None``. It does its work in small
steps (``async with job.step() as step``), each one transaction that commits the work
with the job's progress and the checkpoint it resumes from after a crash
(``job.checkpoint``); what it returns is the job's ``result``. Register at import time
of the module that defines the handler (the feature's endpoints import it), so every crm
process knows every kind before its runner claims anything.

Housekeeping that is no job (deleting expired files) registers a periodic task instead:
``register_periodic("imports.retention", sweep, every_seconds=300)``; every process's
runner calls ``sweep(sessions, settings)`` that often, so it must be safe to run in all of
them at once (``FOR UPDATE SKIP LOCKED``, small batches).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from mia_crm.config import CrmSettings
    from mia_crm.jobs.runner import RunningJob

__all__ = [
    "JobHandler",
    "PeriodicTask",
    "handler_for",
    "periodic_tasks",
    "register_job_kind",
    "register_periodic",
    "registered_kinds",
]

JobHandler = Callable[["RunningJob"], Awaitable[dict[str, Any] | None]]
PeriodicHandler = Callable[["async_sessionmaker[AsyncSession]", "CrmSettings"], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class PeriodicTask:
    name: str
    run: PeriodicHandler
    every_seconds: float


_HANDLERS: dict[str, JobHandler] = {}
_PERIODIC: dict[str, PeriodicTask] = {}


def register_job_kind(kind: str, handler: JobHandler) -> None:
    """Let runners run jobs of ``kind`` with ``handler``; registering a kind again replaces
    its handler (a module imported twice under tests)."""
    if not 0 < len(kind) <= 64:
        raise ValueError(f"a job kind is 1 to 64 characters: {kind!r}")
    _HANDLERS[kind] = handler


def handler_for(kind: str) -> JobHandler | None:
    return _HANDLERS.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


def register_periodic(name: str, run: PeriodicHandler, *, every_seconds: float) -> None:
    """Let every runner call ``run(sessions, settings)`` every ``every_seconds``; the same
    name again replaces it."""
    if every_seconds <= 0:
        raise ValueError("a periodic task runs every so many seconds, more than 0")
    _PERIODIC[name] = PeriodicTask(name, run, every_seconds)


def periodic_tasks() -> list[PeriodicTask]:
    return [_PERIODIC[name] for name in sorted(_PERIODIC)]

"""Which function runs which kind of job: ``register_job_kind("contacts.import", run)``.

A handler is ``async def run(job: RunningJob) -> dict | None``. It does its work in small
steps (``async with job.step() as step``), each one transaction that commits the work
with the job's progress and the checkpoint it resumes from after a crash
(``job.checkpoint``); what it returns is the job's ``result``. Register at import time
of the module that defines the handler (the feature's endpoints import it), so every crm
process knows every kind before its runner claims anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mia_crm.jobs.runner import RunningJob

__all__ = ["JobHandler", "handler_for", "register_job_kind", "registered_kinds"]

JobHandler = Callable[["RunningJob"], Awaitable[dict[str, Any] | None]]

_HANDLERS: dict[str, JobHandler] = {}


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

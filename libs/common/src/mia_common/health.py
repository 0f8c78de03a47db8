"""``/healthz`` (the process is alive) and ``/readyz`` (its dependencies answer).

Readiness checks run concurrently, each under a short deadline, so a hung dependency
makes the probe answer 503 quickly instead of timing out the orchestrator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mia_common.errors import problem_response

__all__ = ["ReadinessCheck", "health_router"]

ReadinessCheck = Callable[[], Awaitable[bool]]
CHECK_TIMEOUT_SECONDS = 2.0


async def _run(check: ReadinessCheck) -> bool:
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except Exception:
        return False


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Database, Kafka and Redis answer", response_model=None)
    async def readyz(request: Request) -> Any:
        checks: dict[str, ReadinessCheck] = request.app.state.readiness_checks
        names = list(checks)
        results = await asyncio.gather(*(_run(checks[name]) for name in names))
        status = {
            name: ("ok" if ok else "unavailable") for name, ok in zip(names, results, strict=True)
        }
        if all(results):
            return JSONResponse({"status": "ready", "checks": status})
        down = ", ".join(name for name, ok in zip(names, results, strict=True) if not ok)
        return problem_response(503, "Not ready", f"unavailable: {down}", checks=status)

    return router

"""Starting bulk jobs through the API and waiting for them to finish."""

from __future__ import annotations

from typing import Any

from mia_common.testing import wait_until
from support.world import Caller, World


async def start(world: World, body: dict[str, Any], caller: Caller | None = None) -> dict[str, Any]:
    response = await world.client.post(
        "/api/v1/contacts/bulk", json=body, headers=(caller or world.manager).headers
    )
    assert response.status_code == 202, response.text
    return dict(response.json())


async def finished(world: World, job_id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        job = await world.get(f"/api/v1/jobs/{job_id}", world.manager)
        return job if job["status"] in ("succeeded", "failed", "cancelled") else None

    job = await wait_until(done, timeout=60, message=f"job {job_id} finished")
    assert job["status"] == "succeeded", job
    return dict(job)

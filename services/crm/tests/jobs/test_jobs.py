"""Jobs: claimed by a runner, followed, cancelled, fenced by their lease; one tenant's only."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from mia_common.testing import wait_until
from mia_crm.jobs.registry import register_job_kind
from mia_crm.jobs.runner import JobRunner, LeaseLost, RunningJob
from mia_crm.jobs.service import enqueue_job
from mia_crm.models import Job
from support.world import World

FINISHED = ("succeeded", "failed", "cancelled")


async def _steps(job: RunningJob) -> dict[str, Any]:
    """Counts to params["steps"], one step each, slowly enough to be cancelled."""
    count = int(job.params["steps"])
    done = int((job.checkpoint or {}).get("done", 0))
    for index in range(done, count):
        async with job.step() as step:
            step.advance(processed=1, succeeded=1, total=count, checkpoint={"done": index + 1})
        await asyncio.sleep(float(job.params.get("pause", 0)))
    return {"counted": count}


async def _broken(job: RunningJob) -> dict[str, Any]:
    raise RuntimeError("the disk is on fire")


register_job_kind("test.steps", _steps)
register_job_kind("test.broken", _broken)


async def _enqueue(world: World, kind: str, **params: Any) -> str:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        job = await enqueue_job(
            session,
            tenant_id=world.tenant_id,
            kind=kind,
            params=params,
            created_by_user_id=world.agent.user_id,
        )
    world.app.state.context.jobs.wake()
    return str(job.id)


async def _finished(world: World, job_id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        job = await world.get(f"/api/v1/jobs/{job_id}")
        return dict(job) if job["status"] in FINISHED else None

    return await wait_until(done, timeout=30, message=f"job {job_id} finished")


async def test_a_job_runs_to_the_end_with_its_progress_and_result(world: World) -> None:
    job_id = await _enqueue(world, "test.steps", steps=5)

    job = await _finished(world, job_id)

    assert job["status"] == "succeeded"
    assert (job["total"], job["processed"], job["succeeded"], job["failed"]) == (5, 5, 5, 0)
    assert job["percent"] == 100.0
    assert job["result"] == {"counted": 5}
    assert job["started_at"] is not None
    assert job["finished_at"] is not None
    assert job["created_by_user_id"] == str(world.agent.user_id)


async def test_a_failing_handler_fails_its_job_with_the_reason(world: World) -> None:
    job = await _finished(world, await _enqueue(world, "test.broken"))

    assert job["status"] == "failed"
    assert job["error"] == "RuntimeError: the disk is on fire"


async def test_cancelling_a_queued_job_cancels_it_at_once(world: World) -> None:
    # No runner knows this kind: it stays queued.
    job_id = await _enqueue(world, "test.nobody_runs_this")

    response = await world.client.post(f"/api/v1/jobs/{job_id}/cancel", headers=world.agent.headers)

    assert response.status_code == 200, response.text
    job = response.json()
    assert (job["status"], job["cancel_requested"]) == ("cancelled", True)
    assert job["finished_at"] is not None
    again = await world.client.post(f"/api/v1/jobs/{job_id}/cancel", headers=world.agent.headers)
    assert again.status_code == 200
    assert again.json()["status"] == "cancelled"


async def test_cancelling_a_running_job_stops_it_after_its_step(world: World) -> None:
    job_id = await _enqueue(world, "test.steps", steps=500, pause=0.01)

    async def started() -> bool:
        return bool((await world.get(f"/api/v1/jobs/{job_id}"))["processed"] > 0)

    await wait_until(started, message="the job made progress")
    response = await world.client.post(f"/api/v1/jobs/{job_id}/cancel", headers=world.agent.headers)
    assert response.status_code == 200
    assert response.json()["cancel_requested"] is True

    job = await _finished(world, job_id)
    assert job["status"] == "cancelled"
    assert 0 < job["processed"] < 500


async def test_a_finished_job_cannot_be_cancelled(world: World) -> None:
    job_id = await _enqueue(world, "test.steps", steps=1)
    await _finished(world, job_id)

    response = await world.client.post(f"/api/v1/jobs/{job_id}/cancel", headers=world.agent.headers)

    assert response.status_code == 409
    assert response.json()["code"] == "job_finished"


async def test_a_runner_that_lost_its_lease_cannot_commit_a_step(world: World) -> None:
    sessions = world.app.state.context.infra.sessions
    async with sessions() as session, session.begin():
        job = await enqueue_job(
            session, tenant_id=world.tenant_id, kind="test.held", params={}, created_by_user_id=None
        )
        await session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(
                status="running",
                lease_owner="old-process",
                lease_expires_at=datetime.now(UTC) + timedelta(minutes=5),
            )
        )
    old = JobRunner(sessions=sessions, settings=world.settings, owner="old-process")
    running = old.running(job)
    async with running.step() as step:
        step.advance(processed=1)
    # Its lease ran out and another process claimed the job.
    async with sessions() as session, session.begin():
        await session.execute(update(Job).where(Job.id == job.id).values(lease_owner="new"))

    with pytest.raises(LeaseLost):
        async with running.step() as step:
            step.advance(processed=1)

    assert (await world.get(f"/api/v1/jobs/{job.id}"))["processed"] == 1


async def test_the_list_filters_by_kind_and_status_and_pages(world: World) -> None:
    ids = [await _enqueue(world, "test.steps", steps=1) for _ in range(3)]
    broken = await _enqueue(world, "test.broken")
    for job_id in [*ids, broken]:
        await _finished(world, job_id)

    everything = await world.get("/api/v1/jobs", limit=200)
    assert [job["id"] for job in everything["items"]] == [broken, *reversed(ids)]
    steps = await world.get("/api/v1/jobs", kind="test.steps", status="succeeded", limit=2)
    assert [job["id"] for job in steps["items"]] == [ids[2], ids[1]]
    rest = await world.get("/api/v1/jobs", kind="test.steps", limit=2, cursor=steps["next_cursor"])
    assert ([job["id"] for job in rest["items"]], rest["next_cursor"]) == ([ids[0]], None)
    failed = await world.get("/api/v1/jobs", status="failed")
    assert [job["id"] for job in failed["items"]] == [broken]


async def test_another_tenants_jobs_are_not_found_and_not_listed(world: World) -> None:
    job_id = await _enqueue(world, "test.nobody_runs_this")
    stranger = world.stranger()

    for method, path in [
        ("GET", f"/api/v1/jobs/{job_id}"),
        ("POST", f"/api/v1/jobs/{job_id}/cancel"),
    ]:
        response = await world.client.request(method, path, headers=stranger.headers)
        assert response.status_code == 404, path
        assert response.json()["code"] == "job_not_found"
    assert await world.get("/api/v1/jobs", stranger) == {"items": [], "next_cursor": None}
    assert (await world.get(f"/api/v1/jobs/{job_id}"))["status"] == "queued"
    missing = await world.client.get(f"/api/v1/jobs/{uuid.uuid4()}", headers=world.agent.headers)
    assert missing.status_code == 404

"""Import and export files expire: past ``MIA_CRM_FILE_RETENTION_DAYS`` after their job
finished, the periodic sweep deletes them and their downloads answer 410; what is running
or recent stays (the tests read the rows themselves, so a swept one would show)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from mia_common.identity import Role
from mia_crm.exports.retention import sweep_export_files
from mia_crm.imports.retention import sweep_import_files
from mia_crm.jobs.service import enqueue_job
from mia_crm.models import ExportChunk, ImportChunk, ImportFile, ImportRejection, Job
from support import bulk_jobs
from support.contact_rows import add_contacts
from support.world import World

FILE = b"nome,telefone\nAna,+5511987651001\nBad,not a phone\n"
MAPPING = [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}]
LONG_AGO = timedelta(days=8)  # the default retention is 7 days


async def upload(world: World, data: bytes = FILE) -> str:
    response = await world.client.post(
        "/api/v1/imports",
        content=data,
        headers={**world.agent.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def run_import(world: World) -> tuple[str, str]:
    """A finished import with a rejected row: (import id, job id)."""
    import_id = await upload(world)
    started = await world.client.post(
        f"/api/v1/imports/{import_id}/start", json={"mapping": MAPPING}, headers=world.agent.headers
    )
    assert started.status_code == 202, started.text
    job = await bulk_jobs.finished(world, started.json()["job_id"])
    assert job["failed"] == 1, job
    return import_id, str(job["id"])


async def age(world: World, *, job_id: str | None = None, import_id: str | None = None) -> None:
    """Moves a job's end (or an upload) back past the retention."""
    async with world.app.state.context.infra.sessions() as session, session.begin():
        if job_id is not None:
            await session.execute(
                update(Job)
                .where(Job.id == uuid.UUID(job_id))
                .values(finished_at=func.now() - LONG_AGO, created_at=func.now() - LONG_AGO)
            )
        if import_id is not None:
            await session.execute(
                update(ImportFile)
                .where(ImportFile.id == uuid.UUID(import_id))
                .values(created_at=func.now() - LONG_AGO)
            )


async def held(world: World, import_id: str) -> tuple[int, int, datetime | None]:
    """(chunks, rejections, purged_at) of an import, read from the tables."""
    key = uuid.UUID(import_id)
    async with world.app.state.context.infra.sessions() as session:
        chunks = await session.scalar(
            select(func.count()).select_from(ImportChunk).where(ImportChunk.import_id == key)
        )
        rejections = await session.scalar(
            select(func.count())
            .select_from(ImportRejection)
            .where(ImportRejection.import_id == key)
        )
        purged = await session.scalar(select(ImportFile.purged_at).where(ImportFile.id == key))
    return int(chunks or 0), int(rejections or 0), purged


async def sweep_imports(world: World) -> None:
    await sweep_import_files(world.app.state.context.infra.sessions, world.settings)


async def test_an_old_finished_import_is_swept_and_its_report_answers_410(world: World) -> None:
    old_id, old_job = await run_import(world)
    recent_id, _ = await run_import(world)
    await age(world, job_id=old_job, import_id=old_id)
    assert (await held(world, old_id))[:2] == (1, 1), "both imports hold file and report"

    await sweep_imports(world)

    chunks, rejections, purged = await held(world, old_id)
    assert (chunks, rejections) == (0, 0)
    assert purged is not None
    assert await held(world, recent_id) == (1, 1, None), "a recent import keeps its files"
    report = await world.client.get(
        f"/api/v1/imports/{old_id}/rejections.csv", headers=world.agent.headers
    )
    assert report.status_code == 410, report.text
    assert report.headers["content-type"] == "application/problem+json"
    assert report.json()["code"] == "import_expired"
    # The import itself stays, with its counts.
    assert (await world.get(f"/api/v1/imports/{old_id}"))["counts"]["rejected"] == 1
    recent = await world.client.get(
        f"/api/v1/imports/{recent_id}/rejections.csv", headers=world.agent.headers
    )
    assert recent.status_code == 200, recent.text


async def test_an_expired_report_answers_410_before_the_sweep_came(world: World) -> None:
    import_id, job_id = await run_import(world)
    await age(world, job_id=job_id, import_id=import_id)

    report = await world.client.get(
        f"/api/v1/imports/{import_id}/rejections.csv", headers=world.agent.headers
    )

    assert report.status_code == 410, report.text


async def test_a_running_import_is_not_swept_however_old(world: World) -> None:
    import_id = await upload(world)
    async with world.app.state.context.infra.sessions() as session, session.begin():
        # A job no runner takes: it stays running (its process is somewhere else).
        job = await enqueue_job(
            session,
            tenant_id=world.tenant_id,
            kind="test.elsewhere",
            params={},
            created_by_user_id=None,
        )
        job.status = "running"
        await session.execute(
            update(ImportFile)
            .where(ImportFile.id == uuid.UUID(import_id))
            .values(job_id=job.id, created_at=func.now() - timedelta(days=30))
        )

    await sweep_imports(world)

    assert await held(world, import_id) == (1, 0, None)


async def test_an_upload_never_started_expires_and_cannot_be_started(world: World) -> None:
    stale = await upload(world)
    fresh = await upload(world)
    await age(world, import_id=stale)

    await sweep_imports(world)

    assert (await held(world, stale))[:2] == (0, 0)
    assert await held(world, fresh) == (1, 0, None)
    for path in (f"/api/v1/imports/{stale}/start", f"/api/v1/imports/{stale}/preview"):
        response = await world.client.post(
            path, json={"mapping": MAPPING}, headers=world.agent.headers
        )
        assert response.status_code == 410, (path, response.text)
        assert response.json()["code"] == "import_expired"


async def test_processes_sweeping_at_once_share_the_work(world: World) -> None:
    ids = []
    for _ in range(3):
        import_id, job_id = await run_import(world)
        await age(world, job_id=job_id, import_id=import_id)
        ids.append(import_id)

    await asyncio.gather(*(sweep_imports(world) for _ in range(3)))

    for import_id in ids:
        chunks, rejections, purged = await held(world, import_id)
        assert (chunks, rejections) == (0, 0)
        assert purged is not None


async def export_chunks(world: World, job_id: str) -> int:
    async with world.app.state.context.infra.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(ExportChunk)
            .where(ExportChunk.job_id == uuid.UUID(job_id))
        )
    return int(count or 0)


async def test_an_old_export_file_is_swept_and_answers_410_a_recent_one_stays(
    world: World,
) -> None:
    ids = await add_contacts(world, *({"name": f"Export {n}"} for n in range(3)))
    selection = {"action": "export", "selection": [str(i) for i in ids]}
    old = await bulk_jobs.finished(world, (await bulk_jobs.start(world, selection))["id"])
    recent = await bulk_jobs.finished(world, (await bulk_jobs.start(world, selection))["id"])
    await age(world, job_id=old["id"])
    assert await export_chunks(world, old["id"]) == 2, "the header, then the batch"

    await sweep_export_files(world.app.state.context.infra.sessions, world.settings)

    assert await export_chunks(world, old["id"]) == 0
    assert await export_chunks(world, recent["id"]) == 2
    gone = await world.client.get(old["result"]["download"], headers=world.manager.headers)
    assert gone.status_code == 410, gone.text
    assert gone.headers["content-type"] == "application/problem+json"
    assert gone.json()["code"] == "export_expired"
    kept = await world.client.get(recent["result"]["download"], headers=world.manager.headers)
    assert kept.status_code == 200, kept.text
    # Another tenant learns nothing, not even that it expired.
    stranger = await world.client.get(
        old["result"]["download"], headers=world.stranger(Role.owner).headers
    )
    assert stranger.status_code == 404


async def test_another_tenants_expired_import_is_not_found(world: World) -> None:
    import_id, job_id = await run_import(world)
    await age(world, job_id=job_id, import_id=import_id)

    response = await world.client.get(
        f"/api/v1/imports/{import_id}/rejections.csv", headers=world.stranger().headers
    )

    assert response.status_code == 404

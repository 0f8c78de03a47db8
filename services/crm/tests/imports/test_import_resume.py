"""An import whose process dies mid-way is resumed by another runner: every row once."""

from __future__ import annotations

import uuid

from imports.importer import Importer
from sqlalchemy import select

from mia_crm.imports.schemas import ImportStart
from mia_crm.imports.service import start_import
from mia_crm.models import ImportRejection
from support.dying_runner import held_by_a_doomed_runner, lease_runs_out, run_until_it_dies
from support.world import World


def _file(rows: int) -> bytes:
    lines = ["name,phone"]
    for index in range(rows):
        phone = "not a phone" if index % 5 == 4 else f"+55119{index:08d}"
        lines.append(f'"Contact {index}\nsecond line",{phone}')
    return ("\n".join(lines) + "\n").encode()


async def test_a_runner_that_died_mid_import_is_resumed_without_duplicates(
    world: World, importer: Importer
) -> None:
    sessions = importer.sessions
    uploaded = await importer.upload(_file(40))
    # Started as the API would, but held by a runner of a process about to die (the app's
    # own runner leaves a job alone while its lease lasts).
    async with sessions() as session, session.begin():
        _, job = await start_import(
            session,
            tenant_id=world.tenant_id,
            user_id=world.agent.user_id,
            import_id=uuid.UUID(uploaded["id"]),
            body=ImportStart.model_validate(
                {"mapping": [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}]}
            ),
            batch_size=7,
        )
        await held_by_a_doomed_runner(session, job.id)

    await run_until_it_dies(world, job, steps=3)  # the count, then two batches

    halfway = await world.get(f"/api/v1/jobs/{job.id}")
    assert halfway["status"] == "running"
    assert (halfway["total"], halfway["processed"]) == (40, 14)
    assert len(await importer.contacts()) == 12

    # The lease runs out; any runner (here the app's) takes the job over.
    await lease_runs_out(world, job.id)
    finished = await importer.finished(str(job.id))

    assert finished["status"] == "succeeded"
    assert (finished["processed"], finished["succeeded"], finished["failed"]) == (40, 32, 8)
    imported = await world.get(f"/api/v1/imports/{uploaded['id']}")
    # Re-applied rows would show as updates.
    assert imported["counts"] == {
        "total": 40,
        "created": 32,
        "updated": 0,
        "skipped": 0,
        "rejected": 8,
    }
    assert len(await importer.contacts()) == 32
    async with sessions() as session:
        numbers = (
            await session.scalars(
                select(ImportRejection.row_number)
                .where(ImportRejection.import_id == uuid.UUID(uploaded["id"]))
                .order_by(ImportRejection.row_number)
            )
        ).all()
    assert list(numbers) == [index + 2 for index in range(40) if index % 5 == 4]

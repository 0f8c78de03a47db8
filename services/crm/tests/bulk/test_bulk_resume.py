"""A bulk job commits batch by batch: progress shows between batches, a crash resumes after
the last committed batch, and the set of contacts is fixed when the job starts."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from mia_common.identity import Identity, Role
from mia_crm.bulk.schemas import BulkTag
from mia_crm.bulk.service import start_bulk_action
from mia_crm.models import ContactTag, Tag
from support.bulk_jobs import finished
from support.contact_rows import add_contact, add_contacts
from support.dying_runner import held_by_a_doomed_runner, lease_runs_out, run_until_it_dies
from support.world import World


async def test_a_bulk_job_shows_progress_per_batch_and_resumes_after_a_crash(
    world: World,
) -> None:
    sessions = world.app.state.context.infra.sessions
    customers = await add_contacts(world, *({"lifecycle_stage": "customer"} for _ in range(1_203)))
    async with sessions() as session, session.begin():
        vip = await session.scalar(
            insert(Tag)
            .values(tenant_id=world.tenant_id, name="vip", color="#123456")
            .returning(Tag.id)
        )
        job = await start_bulk_action(
            session,
            caller=Identity(
                user_id=world.manager.user_id, tenant_id=world.tenant_id, role=Role.manager
            ),
            identity_token="",
            users=world.app.state.context.users,
            body=BulkTag.model_validate(
                {
                    "action": "tag",
                    "filter": {"condition": "lifecycle_stage", "stages": ["customer"]},
                    "params": {"tag_ids": [str(vip)]},
                }
            ),
        )
        # Held by a runner about to die: the app's own runner leaves it while its lease lasts.
        await held_by_a_doomed_runner(session, job.id)

    await run_until_it_dies(world, job, steps=2)  # the count, then one batch

    halfway = await world.get(f"/api/v1/jobs/{job.id}")
    assert halfway["status"] == "running"
    assert (halfway["total"], halfway["processed"], halfway["percent"]) == (1_203, 500, 41.6)
    assert await holders(world, vip) == set(sorted(customers)[:500])
    # Created after the start: not in the job's set.
    latecomer = await add_contact(world, lifecycle_stage="customer")

    await lease_runs_out(world, job.id)
    done = await finished(world, str(job.id))

    assert (done["total"], done["processed"], done["succeeded"]) == (1_203, 1_203, 1_203)
    assert done["result"] == {"action": "tag", "changed": 1_203}, "no batch applied twice"
    assert await holders(world, vip) == set(customers)
    assert latecomer not in await holders(world, vip)


async def holders(world: World, tag_id: uuid.UUID | None) -> set[uuid.UUID]:
    async with world.app.state.context.infra.sessions() as session:
        return set(
            (
                await session.scalars(
                    select(ContactTag.contact_id).where(ContactTag.tag_id == tag_id)
                )
            ).all()
        )

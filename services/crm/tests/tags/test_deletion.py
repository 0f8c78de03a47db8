"""Deleting a tag is a job: the tag is gone from reads at once, the job takes it off its
contacts batch by batch (each announced), survives a crash, and a cancel gives it back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

import mia_crm.tags.deletion as tag_deletion
from mia_crm.jobs.runner import JobRunner
from mia_crm.models import ContactTag, Job, Tag
from mia_crm.tags.service import delete_tag
from support.bulk_jobs import finished
from support.contact_rows import add_contacts
from support.dying_runner import held_by_a_doomed_runner, lease_runs_out, run_until_it_dies
from support.world import World


async def tagged(world: World, count: int, name: str = "vip") -> tuple[dict[str, Any], list[str]]:
    """A tag of the world's tenant on ``count`` new contacts: (the tag, their ids)."""
    response = await world.send("POST", "/api/v1/tags", {"name": name})
    assert response.status_code == 201, response.text
    tag = response.json()
    ids = await add_contacts(world, *({"name": f"C {n}"} for n in range(count)))
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(
            insert(ContactTag),
            [
                {"tenant_id": world.tenant_id, "contact_id": i, "tag_id": uuid.UUID(tag["id"])}
                for i in ids
            ],
        )
    return tag, [str(i) for i in ids]


async def holders(world: World, tag_id: str) -> int:
    async with world.app.state.context.infra.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(ContactTag)
            .where(ContactTag.tag_id == uuid.UUID(tag_id))
        )
    return int(count or 0)


async def row_of(world: World, tag_id: str) -> Tag | None:
    async with world.app.state.context.infra.sessions() as session:
        return await session.get(Tag, uuid.UUID(tag_id))


async def test_a_tag_on_more_than_a_batch_of_contacts_is_deleted_by_its_job(world: World) -> None:
    vip, ids = await tagged(world, tag_deletion.BATCH * 2 + 7)
    gold = (await world.send("POST", "/api/v1/tags", {"name": "gold"})).json()
    await world.send("PUT", f"/api/v1/contacts/{ids[0]}/tags/{gold['id']}")

    deleted = await world.send("DELETE", f"/api/v1/tags/{vip['id']}", caller=world.manager)

    assert deleted.status_code == 202, deleted.text
    job = deleted.json()
    assert (job["kind"], job["created_by_user_id"]) == ("tags.delete", str(world.manager.user_id))
    # Gone from every read at once, whatever the job has done so far.
    assert (await world.send("GET", f"/api/v1/tags/{vip['id']}")).status_code == 404
    assert [t["name"] for t in (await world.get("/api/v1/tags"))["items"]] == ["gold"]
    assert [t["name"] for t in (await world.get(f"/api/v1/contacts/{ids[0]}"))["tags"]] == ["gold"]
    put_on = await world.send("PUT", f"/api/v1/contacts/{ids[1]}/tags/{vip['id']}")
    assert (put_on.status_code, put_on.json()["code"]) == (404, "tag_not_found")
    again = await world.send("POST", "/api/v1/tags", {"name": "VIP"})
    assert (again.status_code, again.json()["code"]) == (409, "tag_name_taken")

    done = await finished(world, job["id"])

    total = tag_deletion.BATCH * 2 + 7
    assert (done["total"], done["processed"], done["result"]["removed"]) == (total, total, total)
    assert await holders(world, vip["id"]) == 0
    assert await row_of(world, vip["id"]) is None
    events = await world.contact_events(
        ids[-1], until=lambda e: e["type"] == "contact.updated" and e["data"]["changed"] == ["tags"]
    )
    assert events[-1]["data"]["contact"]["tags"] == []
    assert events[-1]["data"]["actor_user_id"] == str(world.manager.user_id)
    first = await world.contact_events(
        ids[0], until=lambda e: e["type"] == "contact.updated" and e["data"]["changed"] == ["tags"]
    )
    assert first[-1]["data"]["contact"]["tags"] == ["gold"]
    # The name is free again.
    assert (await world.send("POST", "/api/v1/tags", {"name": "VIP"})).status_code == 201


async def test_a_tag_deletion_resumes_after_a_crash_without_doing_a_batch_twice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tag_deletion, "BATCH", 50)
    vip, _ = await tagged(world, 120)
    sessions = world.app.state.context.infra.sessions
    async with sessions() as session, session.begin():
        job = await delete_tag(
            session,
            tenant_id=world.tenant_id,
            tag_id=uuid.UUID(vip["id"]),
            actor_user_id=world.manager.user_id,
        )
        # Held by a runner about to die: the app's own runner leaves it while its lease lasts.
        await held_by_a_doomed_runner(session, job.id)

    await run_until_it_dies(world, job, steps=2)  # the count, then one batch

    halfway = await world.get(f"/api/v1/jobs/{job.id}")
    assert (halfway["status"], halfway["total"], halfway["processed"]) == ("running", 120, 50)
    assert await holders(world, vip["id"]) == 70
    assert (await world.send("GET", f"/api/v1/tags/{vip['id']}")).status_code == 404

    await lease_runs_out(world, job.id)
    done = await finished(world, str(job.id))

    assert (done["total"], done["processed"], done["result"]["removed"]) == (120, 120, 120)
    assert await holders(world, vip["id"]) == 0
    assert await row_of(world, vip["id"]) is None


async def test_a_cancelled_tag_deletion_gives_the_tag_back(world: World) -> None:
    vip, ids = await tagged(world, 3)
    sessions = world.app.state.context.infra.sessions
    async with sessions() as session, session.begin():
        job = await delete_tag(
            session, tenant_id=world.tenant_id, tag_id=uuid.UUID(vip["id"]), actor_user_id=None
        )
        # Cancelled before any runner took it (the queued case: the handler never runs).
        await session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(status="cancelled", cancel_requested_at=func.now(), finished_at=func.now())
        )
    assert (await world.send("GET", f"/api/v1/tags/{vip['id']}")).status_code == 404

    assert await tag_deletion.restore_tags(sessions, world.settings) >= 1

    assert (await world.get(f"/api/v1/tags/{vip['id']}"))["name"] == "vip"
    assert [t["name"] for t in (await world.get(f"/api/v1/contacts/{ids[0]}"))["tags"]] == ["vip"]


async def test_a_running_tag_deletion_that_is_cancelled_gives_the_tag_back_at_once(
    world: World,
) -> None:
    vip, _ = await tagged(world, 3)
    sessions = world.app.state.context.infra.sessions
    async with sessions() as session, session.begin():
        job = await delete_tag(
            session, tenant_id=world.tenant_id, tag_id=uuid.UUID(vip["id"]), actor_user_id=None
        )
        await session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(
                status="running",
                lease_owner="mine",
                lease_expires_at=datetime.now(UTC) + timedelta(minutes=5),
                attempts=1,
                cancel_requested_at=func.now(),
            )
        )
    runner = JobRunner(sessions=sessions, settings=world.settings, owner="mine")

    await runner.execute(runner.running(job))

    assert (await world.get(f"/api/v1/jobs/{job.id}"))["status"] == "cancelled"
    assert (await world.get(f"/api/v1/tags/{vip['id']}"))["name"] == "vip"
    assert await holders(world, vip["id"]) == 3


async def test_deleting_a_tag_leaves_another_tenants_tag_of_that_name_alone(
    world: World,
) -> None:
    vip, _ = await tagged(world, 2)
    stranger = world.stranger()
    theirs = (await world.send("POST", "/api/v1/tags", {"name": "vip"}, caller=stranger)).json()
    their_contact = (
        await world.send("POST", "/api/v1/contacts", {"phone": "+5511987659901"}, caller=stranger)
    ).json()
    await world.send(
        "PUT", f"/api/v1/contacts/{their_contact['id']}/tags/{theirs['id']}", caller=stranger
    )

    refused = await world.send("DELETE", f"/api/v1/tags/{vip['id']}", caller=stranger)
    assert refused.status_code == 404
    deleted = await world.send("DELETE", f"/api/v1/tags/{vip['id']}")
    assert (
        await world.send("GET", f"/api/v1/jobs/{deleted.json()['id']}", caller=stranger)
    ).status_code == 404
    await finished(world, deleted.json()["id"])

    assert (await world.get(f"/api/v1/tags/{theirs['id']}", stranger))["name"] == "vip"
    contact = await world.get(f"/api/v1/contacts/{their_contact['id']}", stranger)
    assert [t["name"] for t in contact["tags"]] == ["vip"]

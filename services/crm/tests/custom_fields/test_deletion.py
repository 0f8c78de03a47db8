"""Deleting a custom field is a job: the field is gone from the definitions at once, the
job removes the contacts' values batch by batch (each announced), resumes after a crash
from its checkpoint, and a cancel gives the field back."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update

import mia_crm.custom_fields.deletion as field_deletion
from mia_crm.custom_fields.service import delete_field
from mia_crm.models import Contact, CustomField, Job
from support.bulk_jobs import finished
from support.contact_rows import add_contacts
from support.dying_runner import held_by_a_doomed_runner, lease_runs_out, run_until_it_dies
from support.world import World

URL = "/api/v1/custom-fields"


async def held_by(
    world: World, count: int, key: str = "plan", caller: Any = None
) -> tuple[dict[str, Any], list[str]]:
    """A text field ``key`` and ``count`` new contacts holding a value of it."""
    response = await world.send("POST", URL, {"key": key, "label": key, "kind": "text"}, caller)
    assert response.status_code == 201, response.text
    ids = await add_contacts(
        world, *({"name": f"C {n}", "fields": {key: "gold", "city": "Rio"}} for n in range(count))
    )
    return response.json(), [str(i) for i in ids]


async def holders(world: World, key: str, tenant_id: uuid.UUID | None = None) -> int:
    async with world.app.state.context.infra.sessions() as session:
        count = await session.scalar(
            select(func.count()).where(
                Contact.tenant_id == (tenant_id or world.tenant_id), Contact.fields.has_key(key)
            )
        )
    return int(count or 0)


async def row_of(world: World, field_id: str) -> CustomField | None:
    async with world.app.state.context.infra.sessions() as session:
        return await session.get(CustomField, uuid.UUID(field_id))


async def test_a_field_held_by_more_than_a_batch_is_deleted_by_its_job(world: World) -> None:
    total = field_deletion.BATCH * 2 + 3
    plan, ids = await held_by(world, total)
    city = (await world.send("POST", URL, {"key": "city", "label": "City", "kind": "text"})).json()

    deleted = await world.send("DELETE", f"{URL}/{plan['id']}", caller=world.manager)

    assert deleted.status_code == 202, deleted.text
    job = deleted.json()
    assert job["kind"] == "custom_fields.delete"
    # Gone from the definitions at once: lists, reads, checks of values.
    assert (await world.send("GET", f"{URL}/{plan['id']}")).status_code == 404
    assert [f["key"] for f in (await world.get(URL))["items"]] == ["city"]
    write = await world.send("PATCH", f"/api/v1/contacts/{ids[0]}", {"fields": {"plan": "x"}})
    assert (write.status_code, write.json()["field"]) == (422, "plan")
    again = await world.send("POST", URL, {"key": "plan", "label": "Plan", "kind": "text"})
    assert (again.status_code, again.json()["code"]) == (409, "custom_field_key_taken")

    done = await finished(world, job["id"])

    assert (done["total"], done["processed"], done["result"]["removed"]) == (total, total, total)
    assert await holders(world, "plan") == 0
    assert await holders(world, "city") == total, "the other field's values stay"
    assert await row_of(world, plan["id"]) is None
    events = await world.contact_events(ids[-1], until=lambda e: e["type"] == "contact.updated")
    assert events[-1]["data"]["changed"] == ["fields.plan"]
    assert events[-1]["data"]["contact"]["fields"] == {"city": "Rio"}
    assert events[-1]["data"]["actor_user_id"] == str(world.manager.user_id)
    assert (await world.get(f"/api/v1/contacts/{ids[0]}"))["fields"] == {"city": "Rio"}
    assert city["key"] == "city"
    recreated = await world.send("POST", URL, {"key": "plan", "label": "Plan", "kind": "text"})
    assert recreated.status_code == 201, "the key is free again"


async def test_a_field_deletion_resumes_after_a_crash_from_its_checkpoint(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(field_deletion, "BATCH", 40)
    plan, _ = await held_by(world, 100)
    sessions = world.app.state.context.infra.sessions
    async with sessions() as session, session.begin():
        job = await delete_field(
            session,
            tenant_id=world.tenant_id,
            field_id=uuid.UUID(plan["id"]),
            actor_user_id=world.manager.user_id,
        )
        await held_by_a_doomed_runner(session, job.id)

    await run_until_it_dies(world, job, steps=3)  # the count, then two batches

    halfway = await world.get(f"/api/v1/jobs/{job.id}")
    assert (halfway["status"], halfway["total"], halfway["processed"]) == ("running", 100, 80)
    assert halfway["result"] is None
    assert await holders(world, "plan") == 20
    assert (await world.send("GET", f"{URL}/{plan['id']}")).status_code == 404

    await lease_runs_out(world, job.id)
    done = await finished(world, str(job.id))

    assert (done["total"], done["processed"], done["result"]["removed"]) == (100, 100, 100)
    assert await holders(world, "plan") == 0
    assert await row_of(world, plan["id"]) is None


async def test_a_cancelled_field_deletion_gives_the_field_back(world: World) -> None:
    plan, ids = await held_by(world, 2)
    sessions = world.app.state.context.infra.sessions
    async with sessions() as session, session.begin():
        job = await delete_field(
            session, tenant_id=world.tenant_id, field_id=uuid.UUID(plan["id"]), actor_user_id=None
        )
        await session.execute(
            update(Job)
            .where(Job.id == job.id)
            .values(status="cancelled", cancel_requested_at=func.now(), finished_at=func.now())
        )
    assert (await world.send("GET", f"{URL}/{plan['id']}")).status_code == 404

    assert await field_deletion.restore_fields(sessions, world.settings) >= 1

    assert (await world.get(f"{URL}/{plan['id']}"))["key"] == "plan"
    assert (await world.get(f"/api/v1/contacts/{ids[0]}"))["fields"]["plan"] == "gold"


async def test_deleting_a_field_leaves_another_tenants_field_of_that_key_alone(
    world: World,
) -> None:
    plan, _ = await held_by(world, 3)
    stranger = world.stranger()
    theirs = await world.send(
        "POST", URL, {"key": "plan", "label": "Plan", "kind": "text"}, caller=stranger
    )
    assert theirs.status_code == 201, theirs.text
    their_contact = await world.send(
        "POST",
        "/api/v1/contacts",
        {"phone": "+5511987659902", "fields": {"plan": "theirs"}},
        caller=stranger,
    )
    assert their_contact.status_code == 201, their_contact.text

    refused = await world.send("DELETE", f"{URL}/{plan['id']}", caller=stranger)
    assert (refused.status_code, refused.json()["code"]) == (404, "custom_field_not_found")
    deleted = await world.send("DELETE", f"{URL}/{plan['id']}")
    job_id = deleted.json()["id"]
    assert (await world.send("GET", f"/api/v1/jobs/{job_id}", caller=stranger)).status_code == 404
    await finished(world, job_id)

    assert (await world.get(f"{URL}/{theirs.json()['id']}", stranger))["key"] == "plan"
    contact = await world.get(f"/api/v1/contacts/{their_contact.json()['id']}", stranger)
    assert contact["fields"] == {"plan": "theirs"}

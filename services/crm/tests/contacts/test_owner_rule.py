"""Who may set a contact's owner (``mia_crm.owners``): an agent makes themselves the owner
of a contact nobody owns and clears their own ownership; a manager or above sets anyone of
the tenant. Otherwise 403 ``owner_not_allowed``, answered before the gateway is asked."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import update

from mia_common.identity import Role
from mia_common.testing import wait_until
from mia_crm.models import Contact
from support.world import Caller, World

MANAGERS_AND_ABOVE = [Role.manager, Role.admin, Role.owner]


async def _contact(world: World, owner: Caller | None = None) -> str:
    body: dict[str, Any] = {"email": f"{uuid.uuid4().hex[:10]}@example.com"}
    if owner is not None:
        body["owner_user_id"] = str(owner.user_id)
    created = await world.send("POST", "/api/v1/contacts", body, caller=world.manager)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _set_owner(
    world: World, contact_id: str, owner: Caller | None, caller: Caller
) -> tuple[int, dict[str, Any]]:
    response = await world.send(
        "PATCH",
        f"/api/v1/contacts/{contact_id}",
        {"owner_user_id": str(owner.user_id) if owner else None},
        caller=caller,
    )
    return response.status_code, response.json()


async def _owner_of(world: World, contact_id: str) -> str | None:
    owner: str | None = (await world.get(f"/api/v1/contacts/{contact_id}"))["owner_user_id"]
    return owner


async def test_an_agent_creates_contacts_owned_by_themselves_or_nobody_only(world: World) -> None:
    agent, colleague = world.agent, world.caller(Role.agent)

    def body(owner: Caller | None, email: str) -> dict[str, Any]:
        return {"email": email, "owner_user_id": str(owner.user_id) if owner else None}

    mine = await world.send("POST", "/api/v1/contacts", body(agent, "a@example.com"), agent)
    nobodys = await world.send("POST", "/api/v1/contacts", body(None, "b@example.com"), agent)
    refused = await world.send("POST", "/api/v1/contacts", body(colleague, "c@example.com"), agent)

    assert mine.status_code == 201, mine.text
    assert mine.json()["owner_user_id"] == str(agent.user_id)
    assert nobodys.status_code == 201, nobodys.text
    assert nobodys.json()["owner_user_id"] is None
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "owner_not_allowed"
    assert world.gateway.calls_about(colleague.user_id) == [], "refused before asking"
    assert [c["id"] for c in (await world.get("/api/v1/contacts", q="a@example.com"))["items"]] == [
        mine.json()["id"]
    ]
    assert (await world.get("/api/v1/contacts", q="c@example.com"))["items"] == [], "not made"


@pytest.mark.parametrize("role", MANAGERS_AND_ABOVE)
async def test_managers_and_above_create_contacts_owned_by_anyone(world: World, role: Role) -> None:
    boss, colleague = world.caller(role), world.caller(Role.agent)

    created = await world.send(
        "POST",
        "/api/v1/contacts",
        {"email": "ana@example.com", "owner_user_id": str(colleague.user_id)},
        caller=boss,
    )

    assert created.status_code == 201, created.text
    assert created.json()["owner_user_id"] == str(colleague.user_id)


async def test_an_agent_takes_a_contact_nobody_owns_and_lets_go_of_their_own(
    world: World,
) -> None:
    agent = world.agent
    contact_id = await _contact(world)

    assert (await _set_owner(world, contact_id, agent, agent))[0] == 200
    assert await _owner_of(world, contact_id) == str(agent.user_id)
    assert (await _set_owner(world, contact_id, agent, agent))[0] == 200, "no change"
    assert (await _set_owner(world, contact_id, None, agent))[0] == 200
    assert await _owner_of(world, contact_id) is None
    assert (await _set_owner(world, contact_id, None, agent))[0] == 200, "no change"


async def test_an_agent_neither_gives_takes_nor_clears_someone_elses_contact(
    world: World,
) -> None:
    agent, colleague, third = world.agent, world.caller(Role.agent), world.caller(Role.agent)
    theirs = await _contact(world, owner=colleague)
    nobodys = await _contact(world)
    asked_before = len(world.gateway.calls)

    for contact_id, owner in [
        (theirs, agent),  # taking it
        (theirs, None),  # clearing someone else's
        (theirs, third),  # handing it on
        (nobodys, colleague),  # giving it to someone else
    ]:
        status, problem = await _set_owner(world, contact_id, owner, agent)
        assert (status, problem["code"]) == (403, "owner_not_allowed"), (contact_id, owner)
    assert await _owner_of(world, theirs) == str(colleague.user_id)
    assert await _owner_of(world, nobodys) is None
    assert len(world.gateway.calls) == asked_before, "the role is judged before the gateway"


async def test_an_agent_edits_someone_elses_contact_naming_its_owner_unchanged(
    world: World,
) -> None:
    colleague = world.caller(Role.agent)
    contact_id = await _contact(world, owner=colleague)

    edited = await world.send(
        "PATCH",
        f"/api/v1/contacts/{contact_id}",
        {"owner_user_id": str(colleague.user_id), "source": "fair"},
    )

    assert edited.status_code == 200, edited.text
    assert (edited.json()["owner_user_id"], edited.json()["source"]) == (
        str(colleague.user_id),
        "fair",
    )


@pytest.mark.parametrize("role", MANAGERS_AND_ABOVE)
async def test_managers_and_above_give_take_and_clear_anyones_contact(
    world: World, role: Role
) -> None:
    boss, colleague, third = world.caller(role), world.caller(Role.agent), world.caller(Role.agent)
    contact_id = await _contact(world, owner=colleague)

    assert (await _set_owner(world, contact_id, third, boss))[0] == 200
    assert await _owner_of(world, contact_id) == str(third.user_id)
    assert (await _set_owner(world, contact_id, boss, boss))[0] == 200
    assert await _owner_of(world, contact_id) == str(boss.user_id)
    assert (await _set_owner(world, contact_id, None, boss))[0] == 200
    assert await _owner_of(world, contact_id) is None


async def test_a_manager_still_names_only_active_users_of_the_tenant(world: World) -> None:
    contact_id = await _contact(world)
    stranger_user = world.stranger(Role.agent)

    status, problem = await _set_owner(world, contact_id, stranger_user, world.manager)

    assert (status, problem["code"]) == (422, "assignee_unknown")
    assert await _owner_of(world, contact_id) is None


async def test_an_integration_with_the_agent_role_is_nobody_to_own_a_contact(
    world: World,
) -> None:
    key = world.api_key(Role.agent)
    contact_id = await _contact(world)

    status, problem = await _set_owner(world, contact_id, key, key)

    assert (status, problem["code"]) == (422, "assignee_unknown")


@pytest.mark.parametrize("role", [Role.agent, Role.owner])
async def test_another_tenants_caller_gets_404_not_403(world: World, role: Role) -> None:
    colleague = world.caller(Role.agent)
    contact_id = await _contact(world, owner=colleague)
    stranger = world.stranger(role)

    for owner in (stranger, None):
        status, problem = await _set_owner(world, contact_id, owner, stranger)
        assert (status, problem["code"]) == (404, "contact_not_found")
    assert await _owner_of(world, contact_id) == str(colleague.user_id)


async def test_a_contact_taken_while_the_gateway_answered_is_not_taken_again(
    world: World,
) -> None:
    agent, colleague = world.agent, world.caller(Role.agent)
    contact_id = await _contact(world)

    async with world.gateway.hanging():
        taking = asyncio.create_task(_set_owner(world, contact_id, agent, agent))
        await wait_until(lambda: world.gateway.calls_about(agent.user_id), timeout=5, interval=0.01)
        # Someone else takes it meanwhile (the gateway's client waits up to 1 s).
        async with world.app.state.context.infra.sessions() as session, session.begin():
            await session.execute(
                update(Contact)
                .where(Contact.id == uuid.UUID(contact_id))
                .values(owner_user_id=colleague.user_id)
            )
    status, problem = await taking

    assert (status, problem["code"]) == (403, "owner_not_allowed"), problem
    assert await _owner_of(world, contact_id) == str(colleague.user_id)

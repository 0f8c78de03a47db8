"""Who may set a lead's owner (``mia_crm.owners``, as for contacts): an agent makes
themselves the owner of a lead nobody owns and clears their own ownership; a manager or
above sets anyone of the tenant. Otherwise 403 ``owner_not_allowed``, before the gateway is
asked. A move never changes the owner."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import update

from mia_common.identity import Role
from mia_common.testing import wait_until
from mia_crm.models import Lead
from support.boards import Boards
from support.world import Caller, World

MANAGERS_AND_ABOVE = [Role.manager, Role.admin, Role.owner]


async def _stage(boards: Boards) -> str:
    return str((await boards.pipeline())["stages"][0]["id"])


async def _create(
    boards: Boards, stage_id: str, owner: Caller | None, caller: Caller
) -> tuple[int, dict[str, Any]]:
    response = await boards.client.post(
        "/api/v1/leads",
        json={
            "stage_id": stage_id,
            "contact_id": await boards.contact(),
            "title": "Deal",
            "owner_user_id": str(owner.user_id) if owner else None,
        },
        headers=caller.headers,
    )
    return response.status_code, response.json()


async def _set_owner(
    boards: Boards, lead_id: str, owner: Caller | None, caller: Caller
) -> tuple[int, dict[str, Any]]:
    response = await boards.client.patch(
        f"/api/v1/leads/{lead_id}",
        json={"owner_user_id": str(owner.user_id) if owner else None},
        headers=caller.headers,
    )
    return response.status_code, response.json()


async def _owner_of(world: World, lead_id: str) -> str | None:
    owner: str | None = (await world.get(f"/api/v1/leads/{lead_id}"))["owner_user_id"]
    return owner


async def test_an_agent_creates_leads_owned_by_themselves_or_nobody_only(
    world: World, boards: Boards
) -> None:
    stage = await _stage(boards)
    agent, colleague = world.agent, world.caller(Role.agent)

    mine = await _create(boards, stage, agent, agent)
    nobodys = await _create(boards, stage, None, agent)
    refused = await _create(boards, stage, colleague, agent)

    assert (mine[0], mine[1]["owner_user_id"]) == (201, str(agent.user_id)), mine
    assert (nobodys[0], nobodys[1]["owner_user_id"]) == (201, None), nobodys
    assert (refused[0], refused[1]["code"]) == (403, "owner_not_allowed")
    assert world.gateway.calls_about(colleague.user_id) == [], "refused before asking"
    column = await world.get(f"/api/v1/pipelines/{mine[1]['pipeline_id']}/stages/{stage}/leads")
    assert {card["id"] for card in column["items"]} == {mine[1]["id"], nobodys[1]["id"]}


@pytest.mark.parametrize("role", MANAGERS_AND_ABOVE)
async def test_managers_and_above_create_leads_owned_by_anyone(
    world: World, boards: Boards, role: Role
) -> None:
    colleague = world.caller(Role.agent)

    status, lead = await _create(boards, await _stage(boards), colleague, world.caller(role))

    assert (status, lead["owner_user_id"]) == (201, str(colleague.user_id))


async def test_an_agent_takes_a_lead_nobody_owns_and_lets_go_of_their_own(
    world: World, boards: Boards
) -> None:
    agent = world.agent
    lead = await boards.lead(await _stage(boards))

    assert (await _set_owner(boards, lead["id"], agent, agent))[0] == 200
    assert await _owner_of(world, lead["id"]) == str(agent.user_id)
    assert (await _set_owner(boards, lead["id"], None, agent))[0] == 200
    assert await _owner_of(world, lead["id"]) is None


async def test_an_agent_neither_gives_takes_nor_clears_someone_elses_lead(
    world: World, boards: Boards
) -> None:
    stage = await _stage(boards)
    agent, colleague, third = world.agent, world.caller(Role.agent), world.caller(Role.agent)
    theirs = await boards.lead(stage, world.manager, owner_user_id=str(colleague.user_id))
    nobodys = await boards.lead(stage)
    asked_before = len(world.gateway.calls)

    for lead, owner in [(theirs, agent), (theirs, None), (theirs, third), (nobodys, colleague)]:
        status, problem = await _set_owner(boards, lead["id"], owner, agent)
        assert (status, problem["code"]) == (403, "owner_not_allowed"), (lead["title"], owner)
    assert await _owner_of(world, theirs["id"]) == str(colleague.user_id)
    assert await _owner_of(world, nobodys["id"]) is None
    assert len(world.gateway.calls) == asked_before, "the role is judged before the gateway"
    unchanged = (await world.get(f"/api/v1/leads/{theirs['id']}"))["version"]
    assert unchanged == theirs["version"]


async def test_an_agent_edits_and_moves_someone_elses_lead_keeping_its_owner(
    world: World, boards: Boards
) -> None:
    pipeline = await boards.pipeline()
    new, proposal = (str(stage["id"]) for stage in pipeline["stages"][:2])
    colleague = world.caller(Role.agent)
    lead = await boards.lead(new, world.manager, owner_user_id=str(colleague.user_id))

    edited = await boards.client.patch(
        f"/api/v1/leads/{lead['id']}",
        json={"owner_user_id": str(colleague.user_id), "title": "Bigger deal"},
        headers=world.agent.headers,
    )
    moved = await boards.move(lead["id"], proposal, caller=world.agent)

    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["owner_user_id"]) == (
        "Bigger deal",
        str(colleague.user_id),
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["stage_id"], moved.json()["owner_user_id"]) == (
        proposal,
        str(colleague.user_id),
    )


@pytest.mark.parametrize("role", MANAGERS_AND_ABOVE)
async def test_managers_and_above_give_take_and_clear_anyones_lead(
    world: World, boards: Boards, role: Role
) -> None:
    boss, colleague, third = world.caller(role), world.caller(Role.agent), world.caller(Role.agent)
    lead = await boards.lead(await _stage(boards), boss, owner_user_id=str(colleague.user_id))

    assert (await _set_owner(boards, lead["id"], third, boss))[0] == 200
    assert await _owner_of(world, lead["id"]) == str(third.user_id)
    assert (await _set_owner(boards, lead["id"], None, boss))[0] == 200
    assert await _owner_of(world, lead["id"]) is None


async def test_a_manager_still_names_only_users_of_the_tenant(world: World, boards: Boards) -> None:
    stage = await _stage(boards)
    stranger_user = world.stranger(Role.agent)

    created = await _create(boards, stage, stranger_user, world.manager)
    lead = await boards.lead(stage)
    edited = await _set_owner(boards, lead["id"], stranger_user, world.manager)

    assert (created[0], created[1]["code"]) == (422, "assignee_unknown")
    assert (edited[0], edited[1]["code"]) == (422, "assignee_unknown")


@pytest.mark.parametrize("role", [Role.agent, Role.owner])
async def test_another_tenants_caller_gets_404_not_403(
    world: World, boards: Boards, role: Role
) -> None:
    colleague = world.caller(Role.agent)
    lead = await boards.lead(
        await _stage(boards), world.manager, owner_user_id=str(colleague.user_id)
    )
    stranger = world.stranger(role)

    for owner in (stranger, None):
        status, problem = await _set_owner(boards, lead["id"], owner, stranger)
        assert (status, problem["code"]) == (404, "lead_not_found")
    assert await _owner_of(world, lead["id"]) == str(colleague.user_id)


async def test_a_lead_taken_while_the_gateway_answered_is_not_taken_again(
    world: World, boards: Boards
) -> None:
    agent, colleague = world.agent, world.caller(Role.agent)
    lead = await boards.lead(await _stage(boards))

    async with world.gateway.hanging():
        taking = asyncio.create_task(_set_owner(boards, lead["id"], agent, agent))
        await wait_until(lambda: world.gateway.calls_about(agent.user_id), timeout=5, interval=0.01)
        # Someone else takes it meanwhile (the gateway's client waits up to 1 s).
        async with boards.sessions() as session, session.begin():
            await session.execute(
                update(Lead)
                .where(Lead.id == uuid.UUID(lead["id"]))
                .values(owner_user_id=colleague.user_id)
            )
    status, problem = await taking

    assert (status, problem["code"]) == (403, "owner_not_allowed"), problem
    assert await _owner_of(world, lead["id"]) == str(colleague.user_id)

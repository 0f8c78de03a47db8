"""Bulk set_owner under the owner rule (``mia_crm.owners``): an agent may only make
themselves the owner of contacts nobody owns (or they own) and clear their own; a manager
or above sets anyone. An agent naming someone else is refused up front (403
``owner_not_allowed``, before the gateway is asked); an agent's run leaves the contacts
others own as they are, counted as failed and in the result's ``not_allowed``."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from mia_common.identity import Role
from mia_crm.models import Contact
from support.bulk_jobs import finished, start
from support.contact_rows import add_contacts
from support.world import Caller, World

MANAGERS_AND_ABOVE = [Role.manager, Role.admin, Role.owner]


async def _owners(world: World, ids: list[uuid.UUID]) -> list[uuid.UUID | None]:
    async with world.app.state.context.infra.sessions() as session:
        rows = await session.execute(
            select(Contact.id, Contact.owner_user_id).where(Contact.id.in_(ids))
        )
        found = {contact_id: owner for contact_id, owner in rows}
    return [found[contact_id] for contact_id in ids]


def _set_owner(ids: list[uuid.UUID], owner: Caller | None) -> dict[str, object]:
    return {
        "action": "set_owner",
        "selection": [str(contact_id) for contact_id in ids],
        "params": {"owner_user_id": str(owner.user_id) if owner else None},
    }


async def test_an_agent_naming_someone_else_is_refused_before_the_gateway_is_asked(
    world: World,
) -> None:
    agent, colleague = world.agent, world.caller(Role.agent)
    (contact,) = await add_contacts(world, {"name": "Ana"})
    asked_before = len(world.gateway.calls)

    response = await world.client.post(
        "/api/v1/contacts/bulk", json=_set_owner([contact], colleague), headers=agent.headers
    )

    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "owner_not_allowed"
    assert len(world.gateway.calls) == asked_before, "the role is judged before the gateway"
    assert await _owners(world, [contact]) == [None]


async def test_an_agent_taking_contacts_takes_only_those_nobody_else_owns(world: World) -> None:
    agent, colleague = world.agent, world.caller(Role.agent)
    ids = await add_contacts(
        world,
        {"name": "nobody's"},
        {"name": "mine", "owner_user_id": agent.user_id},
        {"name": "theirs", "owner_user_id": colleague.user_id},
    )

    done = await finished(world, (await start(world, _set_owner(ids, agent), agent))["id"])

    assert await _owners(world, ids) == [agent.user_id, agent.user_id, colleague.user_id]
    assert (done["total"], done["processed"], done["succeeded"], done["failed"]) == (3, 3, 2, 1)
    assert done["result"] == {"action": "set_owner", "changed": 1, "not_allowed": 1}


async def test_an_agent_clearing_owners_clears_only_their_own(world: World) -> None:
    agent, colleague = world.agent, world.caller(Role.agent)
    ids = await add_contacts(
        world,
        {"name": "nobody's"},
        {"name": "mine", "owner_user_id": agent.user_id},
        {"name": "theirs", "owner_user_id": colleague.user_id},
    )

    done = await finished(world, (await start(world, _set_owner(ids, None), agent))["id"])

    assert await _owners(world, ids) == [None, None, colleague.user_id]
    assert (done["succeeded"], done["failed"]) == (2, 1)
    assert done["result"] == {"action": "set_owner", "changed": 1, "not_allowed": 1}


async def test_an_agents_run_over_a_filter_leaves_others_contacts_alone(world: World) -> None:
    agent, colleague = world.agent, world.caller(Role.agent)
    ids = await add_contacts(
        world,
        *(
            {"lifecycle_stage": "customer", "owner_user_id": colleague.user_id if n % 2 else None}
            for n in range(6)
        ),
    )

    done = await finished(
        world,
        (
            await start(
                world,
                {
                    "action": "set_owner",
                    "filter": {"condition": "lifecycle_stage", "stages": ["customer"]},
                    "params": {"owner_user_id": str(agent.user_id)},
                },
                agent,
            )
        )["id"],
    )

    assert await _owners(world, ids) == [
        colleague.user_id if n % 2 else agent.user_id for n in range(6)
    ]
    assert done["result"] == {"action": "set_owner", "changed": 3, "not_allowed": 3}
    assert (done["total"], done["succeeded"], done["failed"]) == (6, 3, 3)


@pytest.mark.parametrize("role", MANAGERS_AND_ABOVE)
async def test_managers_and_above_give_take_and_clear_anyones_contacts(
    world: World, role: Role
) -> None:
    boss, colleague, third = world.caller(role), world.caller(Role.agent), world.caller(Role.agent)
    ids = await add_contacts(
        world, {"name": "nobody's"}, {"name": "theirs", "owner_user_id": colleague.user_id}
    )

    given = await finished(world, (await start(world, _set_owner(ids, third), boss))["id"])
    assert await _owners(world, ids) == [third.user_id, third.user_id]
    cleared = await finished(world, (await start(world, _set_owner(ids, None), boss))["id"])

    assert await _owners(world, ids) == [None, None]
    assert given["result"] == {"action": "set_owner", "changed": 2, "not_allowed": 0}
    assert (given["succeeded"], given["failed"]) == (2, 0)
    assert cleared["result"] == {"action": "set_owner", "changed": 2, "not_allowed": 0}


async def test_an_agent_naming_themselves_is_still_checked_with_the_gateway(
    world: World,
) -> None:
    key = world.api_key(Role.agent)  # an integration's key: no user the gateway knows
    (contact,) = await add_contacts(world, {"name": "Ana"})

    response = await world.client.post(
        "/api/v1/contacts/bulk", json=_set_owner([contact], key), headers=key.headers
    )

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "assignee_unknown"

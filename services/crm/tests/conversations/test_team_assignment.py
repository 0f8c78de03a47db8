"""Assigning a conversation to a team: only to a team of the tenant, as the gateway (which
owns teams) says when asked with the caller's own identity. Managers move conversations
between teams; an agent may take a team's conversation only as one of its members. A
team is a filter of the inbox, and the inbox events say which team a conversation is in."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest

from mia_common.identity import Role
from support.gateway import StandInGateway
from support.world import Caller, InboxRecord, World

INBOX = "/api/v1/inbox/conversations"


async def assign(
    world: World, conversation_id: Any, body: dict[str, Any], caller: Caller
) -> httpx.Response:
    return await world.client.post(
        f"{INBOX}/{conversation_id}/assign", json=body, headers=caller.headers
    )


def team_of(team_id: uuid.UUID | None) -> dict[str, Any]:
    return {"team_id": None if team_id is None else str(team_id)}


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert problem["detail"]


async def inbox_ids(world: World, caller: Caller | None = None, **params: Any) -> set[str]:
    page = await world.get(INBOX, caller, **params)
    return {item["id"] for item in page["items"]}


def updates_of(records: list[InboxRecord], conversation_id: Any) -> list[dict[str, Any]]:
    """The conversation as each of its ``conversation_updated`` events left it."""
    return [
        r.envelope["data"]["conversation"]
        for r in records
        if r.conversation_id == str(conversation_id) and r.change == "conversation_updated"
    ]


async def test_a_manager_assigns_a_team_and_the_user_stays(world: World) -> None:
    message = await world.deliver()
    taken = await assign(
        world, message.conversation_id, {"user_id": str(world.agent.user_id)}, world.agent
    )
    assert taken.status_code == 200, taken.text
    sales = world.team(world.manager)  # the agent is not in it: allowed all the same

    response = await assign(world, message.conversation_id, team_of(sales), world.manager)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["assigned_team_id"] == str(sales)
    assert body["assigned_user_id"] == str(world.agent.user_id), "a team leaves the user"
    [call] = world.gateway.calls_about_team(sales)
    assert call.token == world.manager.headers["X-Mia-Identity"], "the caller's own token"
    assert call.request_id == response.headers["X-Request-Id"], "one request id end to end"
    assert (await world.conversation_of(message))["assigned_team_id"] == str(sales)


async def test_a_user_and_a_team_in_one_request_and_the_user_need_not_be_a_member(
    world: World,
) -> None:
    message = await world.deliver()
    outsider = world.caller(Role.agent)
    support = world.team(world.agent)

    response = await assign(
        world,
        message.conversation_id,
        {"user_id": str(outsider.user_id), "team_id": str(support)},
        world.manager,
    )

    assert response.status_code == 200, response.text
    assert (response.json()["assigned_user_id"], response.json()["assigned_team_id"]) == (
        str(outsider.user_id),
        str(support),
    )
    # A user alone leaves the team; null takes it out of the team and leaves the user.
    again = await assign(world, message.conversation_id, {"user_id": None}, world.manager)
    assert (again.json()["assigned_user_id"], again.json()["assigned_team_id"]) == (
        None,
        str(support),
    )
    asked = len(world.gateway.calls)
    out = await assign(world, message.conversation_id, team_of(None), world.manager)
    assert out.status_code == 200, out.text
    assert out.json()["assigned_team_id"] is None
    assert len(world.gateway.calls) == asked, "clearing the team asks nobody"


async def test_an_empty_assignment_is_refused(world: World) -> None:
    message = await world.deliver()

    response = await assign(world, message.conversation_id, {}, world.manager)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "user_id, team_id" in response.text


async def test_an_unknown_team_and_another_tenants_team_are_refused_and_not_announced(
    world: World,
) -> None:
    message = await world.deliver()
    elsewhere = world.stranger()
    theirs = world.team(elsewhere, tenant_id=elsewhere.tenant_id)

    for team_id in (uuid.uuid4(), theirs):
        response = await assign(world, message.conversation_id, team_of(team_id), world.manager)
        refused(response, 422, "team_unknown")
    both = await assign(
        world,
        message.conversation_id,
        {"user_id": str(world.agent.user_id), "team_id": str(theirs)},
        world.manager,
    )
    refused(both, 422, "team_unknown")

    conversation = await world.conversation_of(message)
    assert (conversation["assigned_team_id"], conversation["assigned_user_id"]) == (None, None)
    # The marker: a reply after the refusals, on the same conversation (one key, commit
    # order). Once its event is read, every earlier one has been.
    marker = await world.reply(message.conversation_id, {"type": "text", "text": "marker"})
    assert marker.status_code == 202, marker.text
    marker_id = marker.json()["id"]
    records = await world.inbox_events(
        until=lambda r: r.change == "message_created" and r.message_id == marker_id
    )
    assert updates_of(records, message.conversation_id) == []


async def test_another_tenant_cannot_assign_this_tenants_conversation_to_a_team(
    world: World,
) -> None:
    message = await world.deliver()
    stranger = world.stranger(Role.owner)
    theirs = world.team(stranger, tenant_id=stranger.tenant_id)
    ours = world.team(world.agent)

    for team_id in (theirs, ours, None):
        response = await assign(world, message.conversation_id, team_of(team_id), stranger)
        refused(response, 404, "conversation_not_found")

    assert (await world.conversation_of(message))["assigned_team_id"] is None
    assert world.gateway.calls_about_team(theirs) == [], "404 before asking anyone"
    assert world.gateway.calls_about_team(ours) == []


async def test_an_agent_cannot_move_a_conversation_to_a_team(world: World) -> None:
    message = await world.deliver()
    mine = world.team(world.agent)

    response = await assign(world, message.conversation_id, team_of(mine), world.agent)

    refused(response, 403, "assignment_not_allowed")
    assert world.gateway.calls_about_team(mine) == [], "403 before asking anyone"
    assert (await world.conversation_of(message))["assigned_team_id"] is None


async def test_an_agent_takes_a_conversation_of_their_team_but_not_of_another(
    world: World,
) -> None:
    ours, theirs = (
        await world.deliver(phone="+5511900000001"),
        await world.deliver(phone="+5511900000002"),
    )
    colleague = world.caller(Role.agent)
    support = world.team(world.agent, colleague)
    sales = world.team(colleague)
    for message, team_id in ((ours, support), (theirs, sales)):
        placed = await assign(world, message.conversation_id, team_of(team_id), world.manager)
        assert placed.status_code == 200, placed.text
    me = {"user_id": str(world.agent.user_id)}

    taken = await assign(world, ours.conversation_id, me, world.agent)
    not_ours = await assign(world, theirs.conversation_id, me, world.agent)

    assert taken.status_code == 200, taken.text
    assert (taken.json()["assigned_user_id"], taken.json()["assigned_team_id"]) == (
        str(world.agent.user_id),
        str(support),
    )
    refused(not_ours, 403, "assignment_not_allowed")
    assert (await world.conversation_of(theirs))["assigned_user_id"] is None
    # Naming the team it is already in is no move: allowed with the taking.
    released = await assign(world, ours.conversation_id, {"user_id": None}, world.agent)
    assert released.status_code == 200, released.text
    again = await assign(world, ours.conversation_id, {**me, "team_id": str(support)}, world.agent)
    assert again.status_code == 200, again.text


async def test_a_conversation_of_a_team_that_is_gone_may_be_taken_by_any_agent(
    world: World,
) -> None:
    message = await world.deliver()
    former = world.team(world.manager)
    await assign(world, message.conversation_id, team_of(former), world.manager)
    world.gateway.remove_team(former)

    response = await assign(
        world, message.conversation_id, {"user_id": str(world.agent.user_id)}, world.agent
    )

    assert response.status_code == 200, response.text
    assert response.json()["assigned_user_id"] == str(world.agent.user_id)


async def test_the_inbox_filters_by_team_and_unassigned_means_no_user_yet(world: World) -> None:
    in_support = await world.deliver(phone="+5511900000011")
    taken_in_support = await world.deliver(phone="+5511900000012")
    in_sales = await world.deliver(phone="+5511900000013")
    no_team = await world.deliver(phone="+5511900000014")
    support, sales = world.team(world.agent), world.team(world.manager)
    for message, team_id in (
        (in_support, support),
        (taken_in_support, support),
        (in_sales, sales),
    ):
        placed = await assign(world, message.conversation_id, team_of(team_id), world.manager)
        assert placed.status_code == 200, placed.text
    taken = await assign(
        world, taken_in_support.conversation_id, {"user_id": str(world.agent.user_id)}, world.agent
    )
    assert taken.status_code == 200, taken.text
    ids = {m: str(m.conversation_id) for m in (in_support, taken_in_support, in_sales, no_team)}

    assert await inbox_ids(world, team_id=str(support)) == {ids[in_support], ids[taken_in_support]}
    assert await inbox_ids(world, team_id=str(sales)) == {ids[in_sales]}
    assert await inbox_ids(world, team_id=str(support), unassigned="true") == {ids[in_support]}
    assert await inbox_ids(world, team_id=str(support), mine="true") == {ids[taken_in_support]}
    assert await inbox_ids(world, unassigned="true") == {
        ids[in_support],
        ids[in_sales],
        ids[no_team],
    }
    page = await world.get(INBOX, team_id=str(support))
    assert {item["assigned_team_id"] for item in page["items"]} == {str(support)}
    # Another tenant, naming this tenant's team, sees none of its conversations.
    stranger = world.stranger(Role.owner)
    assert await inbox_ids(world, stranger, team_id=str(support)) == set()
    assert await inbox_ids(world, team_id=str(uuid.uuid4())) == set()


async def test_the_inbox_event_says_which_team_the_conversation_is_in(world: World) -> None:
    message = await world.deliver()
    support = world.team(world.agent)

    placed = await assign(world, message.conversation_id, team_of(support), world.manager)
    assert placed.status_code == 200, placed.text
    repeated = await assign(world, message.conversation_id, team_of(support), world.manager)
    assert repeated.status_code == 200, repeated.text
    marker = await world.reply(message.conversation_id, {"type": "text", "text": "marker"})
    marker_id = marker.json()["id"]

    records = await world.inbox_events(
        until=lambda r: r.change == "message_created" and r.message_id == marker_id
    )

    [update] = updates_of(records, message.conversation_id)  # the repeat changed nothing
    assert update["assigned_team_id"] == str(support)
    [reply] = [r for r in records if r.message_id == marker_id]
    assert reply.envelope["data"]["conversation"]["assigned_team_id"] == str(support)


def _unreachable(gateway: StandInGateway) -> AbstractAsyncContextManager[None]:
    return gateway.unreachable()


def _failing(gateway: StandInGateway) -> AbstractAsyncContextManager[None]:
    return gateway.failing()


def _hanging(gateway: StandInGateway) -> AbstractAsyncContextManager[None]:
    return gateway.hanging()


@pytest.mark.parametrize("trouble", [_unreachable, _failing, _hanging])
async def test_a_team_the_gateway_cannot_check_is_refused_with_503(
    world: World, trouble: Callable[[StandInGateway], AbstractAsyncContextManager[None]]
) -> None:
    message = await world.deliver()
    support = world.team(world.agent)

    async with trouble(world.gateway):
        response = await assign(world, message.conversation_id, team_of(support), world.manager)

    refused(response, 503, "gateway_unavailable")
    assert (await world.conversation_of(message))["assigned_team_id"] is None
    again = await assign(world, message.conversation_id, team_of(support), world.manager)
    assert again.status_code == 200, "once the gateway answers, the same request succeeds"


async def test_an_agent_taking_a_teams_conversation_while_the_gateway_is_down_gets_503(
    world: World,
) -> None:
    message = await world.deliver()
    support = world.team(world.agent)
    await assign(world, message.conversation_id, team_of(support), world.manager)
    me = {"user_id": str(world.agent.user_id)}

    async with world.gateway.failing():
        response = await assign(world, message.conversation_id, me, world.agent)

    refused(response, 503, "gateway_unavailable")
    assert (await world.conversation_of(message))["assigned_user_id"] is None

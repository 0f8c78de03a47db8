"""Assigning a conversation to someone: only to an active user of the tenant, as the gateway
(which owns the users) says when asked with the caller's own identity; an assignment that
cannot be checked is refused, never made unchecked."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest

from mia_common.identity import Role
from support.gateway import StandInGateway
from support.world import Caller, World


async def assign(
    world: World, conversation_id: Any, user_id: uuid.UUID | None, caller: Caller
) -> httpx.Response:
    return await world.client.post(
        f"/api/v1/inbox/conversations/{conversation_id}/assign",
        json={"user_id": None if user_id is None else str(user_id)},
        headers=caller.headers,
    )


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert problem["detail"]


async def test_a_manager_assigns_an_active_teammate_the_gateway_knows(world: World) -> None:
    message = await world.deliver()
    teammate = world.caller(Role.agent)

    response = await assign(world, message.conversation_id, teammate.user_id, world.manager)

    assert response.status_code == 200, response.text
    assert response.json()["assigned_user_id"] == str(teammate.user_id)
    [call] = world.gateway.calls_about(teammate.user_id)
    assert call.token == world.manager.headers["X-Mia-Identity"], "the caller's own token"
    assert call.request_id == response.headers["X-Request-Id"], "one request id end to end"


async def test_an_id_that_is_nobody_is_refused_and_nothing_is_announced(world: World) -> None:
    message = await world.deliver()
    nobody = uuid.uuid4()

    response = await assign(world, message.conversation_id, nobody, world.manager)

    refused(response, 422, "assignee_unknown")
    assert (await world.conversation_of(message))["assigned_user_id"] is None
    # The marker: a reply after the refused assignment, on the same conversation (one key,
    # commit order). Once its event is read, every earlier one has been.
    marker = await world.reply(message.conversation_id, {"type": "text", "text": "marker"})
    assert marker.status_code == 202, marker.text
    marker_id = marker.json()["id"]
    records = await world.inbox_events(
        until=lambda r: r.change == "message_created" and r.message_id == marker_id
    )
    ours = [r.change for r in records if r.conversation_id == str(message.conversation_id)]
    assert ours == ["message_created", "message_created"], "the inbound message, the marker"


async def test_a_user_of_another_tenant_is_unknown_here(world: World) -> None:
    message = await world.deliver()
    outsider = world.stranger(Role.agent)  # exists, in the gateway, in another tenant

    response = await assign(world, message.conversation_id, outsider.user_id, world.manager)

    refused(response, 422, "assignee_unknown")
    assert (await world.conversation_of(message))["assigned_user_id"] is None


async def test_another_tenant_cannot_assign_this_tenants_conversation(world: World) -> None:
    message = await world.deliver()
    stranger = world.stranger(Role.owner)
    their_agent = world.caller(Role.agent, tenant_id=stranger.tenant_id)

    for user_id in (their_agent.user_id, world.agent.user_id, stranger.user_id, None):
        response = await assign(world, message.conversation_id, user_id, stranger)
        refused(response, 404, "conversation_not_found")

    assert (await world.conversation_of(message))["assigned_user_id"] is None
    assert world.gateway.calls_about(their_agent.user_id) == [], "404 before asking anyone"
    assert world.gateway.calls_about(world.agent.user_id) == []


async def test_a_deactivated_user_is_refused(world: World) -> None:
    message = await world.deliver()
    former = world.caller(Role.agent, active=False)

    response = await assign(world, message.conversation_id, former.user_id, world.manager)

    refused(response, 422, "assignee_inactive")
    assert (await world.conversation_of(message))["assigned_user_id"] is None


async def test_unassigning_asks_nobody(world: World) -> None:
    message = await world.deliver()
    taken = await assign(world, message.conversation_id, world.agent.user_id, world.agent)
    assert taken.json()["assigned_user_id"] == str(world.agent.user_id)
    asked = len(world.gateway.calls)

    released = await assign(world, message.conversation_id, None, world.agent)

    assert released.status_code == 200, released.text
    assert released.json()["assigned_user_id"] is None
    assert len(world.gateway.calls) == asked


async def test_an_integration_cannot_assign_a_conversation_to_its_api_key(world: World) -> None:
    message = await world.deliver()
    integration = world.api_key(Role.agent)  # its identity names the key, no user

    response = await assign(world, message.conversation_id, integration.user_id, integration)

    refused(response, 422, "assignee_unknown")
    assert (await world.conversation_of(message))["assigned_user_id"] is None
    released = await assign(world, message.conversation_id, None, integration)
    assert released.status_code == 200, "unassigning needs no user"


def _unreachable(gateway: StandInGateway) -> AbstractAsyncContextManager[None]:
    return gateway.unreachable()


def _failing(gateway: StandInGateway) -> AbstractAsyncContextManager[None]:
    return gateway.failing()


def _hanging(gateway: StandInGateway) -> AbstractAsyncContextManager[None]:
    return gateway.hanging()


@pytest.mark.parametrize("trouble", [_unreachable, _failing, _hanging])
async def test_an_assignment_the_gateway_cannot_check_is_refused_with_503(
    world: World, trouble: Callable[[StandInGateway], AbstractAsyncContextManager[None]]
) -> None:
    message = await world.deliver()
    teammate = world.caller(Role.agent)

    async with trouble(world.gateway):
        response = await assign(world, message.conversation_id, teammate.user_id, world.manager)

    refused(response, 503, "gateway_unavailable")
    assert (await world.conversation_of(message))["assigned_user_id"] is None
    again = await assign(world, message.conversation_id, teammate.user_id, world.manager)
    assert again.status_code == 200, "once the gateway answers, the same request succeeds"

"""``GET /internal/v1/teams/{team_id}``: a service asks which team of its caller's tenant
a conversation goes to, and who in it is active (the crm, before it hands one off)."""

from __future__ import annotations

import uuid

import httpx

from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token
from mia_gateway.config import GatewaySettings
from support.actors import Actor, Actors


def _service_headers(settings: GatewaySettings, caller: Actor) -> dict[str, str]:
    """What a service forwards: the identity token the gateway gave it for ``caller``."""
    token = issue_identity_token(
        Identity(user_id=caller.user_id, tenant_id=caller.tenant_id, role=caller.role),
        secret=settings.identity_token_secret,
        ttl_seconds=60,
    )
    return {IDENTITY_HEADER: token}


async def _team(client: httpx.AsyncClient, owner: Actor, *members: Actor) -> str:
    created = await client.post(
        "/api/v1/teams",
        json={
            "name": f"Team {uuid.uuid4().hex[:6]}",
            "member_ids": [str(m.user_id) for m in members],
        },
        headers=owner.headers,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_a_service_reads_a_team_of_its_callers_tenant(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    team = await actors.tenant()
    owner, manager, agent = team[Role.owner], team[Role.manager], team[Role.agent]
    team_id = await _team(client, owner, agent, manager)

    found = await client.get(
        f"/internal/v1/teams/{team_id}", headers=_service_headers(gateway_settings, agent)
    )

    assert found.status_code == 200, found.text
    public = (await client.get(f"/api/v1/teams/{team_id}", headers=owner.headers)).json()
    assert found.json() == {
        "id": team_id,
        "tenant_id": str(owner.tenant_id),
        "name": public["name"],
        "member_ids": sorted([str(agent.user_id), str(manager.user_id)]),
    }


async def test_a_disabled_member_is_not_among_the_members_a_service_sees(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    team = await actors.tenant()
    owner, manager, agent = team[Role.owner], team[Role.manager], team[Role.agent]
    team_id = await _team(client, owner, agent, manager)
    disabled = await client.post(f"/api/v1/users/{agent.user_id}/disable", headers=owner.headers)
    assert disabled.status_code == 200

    found = await client.get(
        f"/internal/v1/teams/{team_id}", headers=_service_headers(gateway_settings, owner)
    )

    assert found.status_code == 200
    assert found.json()["member_ids"] == [str(manager.user_id)]
    enabled = await client.post(f"/api/v1/users/{agent.user_id}/enable", headers=owner.headers)
    assert enabled.status_code == 200
    again = await client.get(
        f"/internal/v1/teams/{team_id}", headers=_service_headers(gateway_settings, owner)
    )
    assert again.json()["member_ids"] == sorted([str(agent.user_id), str(manager.user_id)])


async def test_another_tenants_team_and_none_are_the_same_404(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    team_a, team_b = await actors.tenant(), await actors.tenant()
    theirs = await _team(client, team_b[Role.owner], team_b[Role.agent])
    headers = _service_headers(gateway_settings, team_a[Role.manager])

    foreign = await client.get(f"/internal/v1/teams/{theirs}", headers=headers)
    nobody = await client.get(f"/internal/v1/teams/{uuid.uuid4()}", headers=headers)

    for answer in (foreign, nobody):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "team_unknown"
    assert {k: v for k, v in foreign.json().items() if k != "instance"} == {
        k: v for k, v in nobody.json().items() if k != "instance"
    }


async def test_only_a_services_identity_token_opens_it(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    url = f"/internal/v1/teams/{await _team(client, owner)}"

    for headers in ({}, owner.headers, {IDENTITY_HEADER: owner.token}):
        answer = await client.get(url, headers=headers)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"

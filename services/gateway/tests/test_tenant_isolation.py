"""Every endpoint, called with another tenant's ids, answers 404 and changes nothing."""

from __future__ import annotations

import uuid

import httpx
import pytest

from mia_common.identity import Role
from support.actors import Actor, Actors


async def _b_resources(client: httpx.AsyncClient, owner_b: Actor) -> dict[str, uuid.UUID]:
    invitation = await client.post(
        "/api/v1/invitations",
        json={"email": f"b-{uuid.uuid4().hex[:8]}@example.com", "role": "agent"},
        headers=owner_b.headers,
    )
    key = await client.post(
        "/api/v1/api-keys", json={"name": "b-key", "role": "agent"}, headers=owner_b.headers
    )
    assert invitation.status_code == 201
    assert key.status_code == 201
    return {"invitation": uuid.UUID(invitation.json()["id"]), "key": uuid.UUID(key.json()["id"])}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/users/{user}", None),
        ("PATCH", "/api/v1/users/{user}", {"role": "admin", "name": "pwned"}),
        ("POST", "/api/v1/users/{user}/disable", None),
        ("POST", "/api/v1/users/{user}/enable", None),
        ("DELETE", "/api/v1/invitations/{invitation}", None),
        ("DELETE", "/api/v1/api-keys/{key}", None),
    ],
)
async def test_another_tenants_ids_are_not_found_and_nothing_changes(
    method: str, path: str, body: dict[str, str] | None, client: httpx.AsyncClient, actors: Actors
) -> None:
    team_a, team_b = await actors.tenant(), await actors.tenant()
    owner_a, owner_b, agent_b = team_a[Role.owner], team_b[Role.owner], team_b[Role.agent]
    ids = await _b_resources(client, owner_b)
    url = path.format(user=agent_b.user_id, **ids)

    response = await client.request(method, url, json=body, headers=owner_a.headers)

    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    # B's world is untouched.
    agent = (await client.get(f"/api/v1/users/{agent_b.user_id}", headers=owner_b.headers)).json()
    assert agent["role"] == "agent"
    assert agent["name"] == "Agent"
    assert agent["disabled"] is False
    assert (await client.get("/api/v1/me", headers=agent_b.headers)).status_code == 200
    invitations = (await client.get("/api/v1/invitations", headers=owner_b.headers)).json()
    assert [i["id"] for i in invitations["items"]] == [str(ids["invitation"])]
    keys = (await client.get("/api/v1/api-keys", headers=owner_b.headers)).json()["items"]
    assert keys[0]["revoked_at"] is None


async def test_lists_show_only_the_callers_tenant(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team_a, team_b = await actors.tenant(), await actors.tenant()
    await _b_resources(client, team_b[Role.owner])
    owner_a = team_a[Role.owner]
    users = (await client.get("/api/v1/users?limit=200", headers=owner_a.headers)).json()["items"]
    assert {u["id"] for u in users} == {str(a.user_id) for a in team_a.values()}
    assert (await client.get("/api/v1/invitations", headers=owner_a.headers)).json()["items"] == []
    assert (await client.get("/api/v1/api-keys", headers=owner_a.headers)).json()["items"] == []
    audit = (await client.get("/api/v1/audit", headers=owner_a.headers)).json()["items"]
    assert all(event["actor_id"] in {str(a.user_id) for a in team_a.values()} for event in audit)
    tenant = (await client.get("/api/v1/tenant", headers=owner_a.headers)).json()
    assert tenant["id"] == str(owner_a.tenant_id)


async def test_a_tenant_owner_cannot_touch_other_tenants_through_admin_endpoints(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team_a, team_b = await actors.tenant((Role.owner,)), await actors.tenant((Role.owner,))
    owner_a = team_a[Role.owner]
    suspend = await client.post(
        f"/api/v1/admin/tenants/{team_b[Role.owner].tenant_id}/suspend", headers=owner_a.headers
    )
    assert suspend.status_code == 403
    assert (await client.get("/api/v1/admin/tenants", headers=owner_a.headers)).status_code == 403
    assert (await client.get("/api/v1/me", headers=team_b[Role.owner].headers)).status_code == 200


async def test_an_api_key_acts_only_within_its_tenant(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team_a, team_b = await actors.tenant(), await actors.tenant()
    key = (
        await client.post(
            "/api/v1/api-keys",
            json={"name": "ops", "role": "admin"},
            headers=team_a[Role.owner].headers,
        )
    ).json()["key"]
    headers = {"Authorization": f"Bearer {key}"}
    me = (await client.get("/api/v1/me", headers=headers)).json()
    assert me["kind"] == "api_key"
    assert me["tenant"]["id"] == str(team_a[Role.owner].tenant_id)
    foreign = await client.get(f"/api/v1/users/{team_b[Role.agent].user_id}", headers=headers)
    assert foreign.status_code == 404

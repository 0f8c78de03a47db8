"""``GET /internal/v1/users/{user_id}``: a service asks whether a user of its caller's
tenant exists and is active (the crm, before it assigns a conversation)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token
from mia_gateway.config import GatewaySettings
from support.actors import Actor, Actors


def _service_headers(
    settings: GatewaySettings,
    caller: Actor,
    *,
    secret: str | None = None,
    issued_at: datetime | None = None,
) -> dict[str, str]:
    """What a service forwards: the identity token the gateway gave it for ``caller``."""
    token = issue_identity_token(
        Identity(user_id=caller.user_id, tenant_id=caller.tenant_id, role=caller.role),
        secret=secret or settings.identity_token_secret,
        ttl_seconds=60,
        now=issued_at,
    )
    return {IDENTITY_HEADER: token}


async def test_a_service_finds_a_user_of_its_callers_tenant(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    team = await actors.tenant()
    manager, agent = team[Role.manager], team[Role.agent]
    headers = _service_headers(gateway_settings, manager)

    found = await client.get(f"/internal/v1/users/{agent.user_id}", headers=headers)

    assert found.status_code == 200, found.text
    assert found.json() == {
        "id": str(agent.user_id),
        "tenant_id": str(agent.tenant_id),
        "role": "agent",
        "active": True,
    }


async def test_a_disabled_user_is_found_inactive(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    team = await actors.tenant()
    owner, agent = team[Role.owner], team[Role.agent]
    disabled = await client.post(f"/api/v1/users/{agent.user_id}/disable", headers=owner.headers)
    assert disabled.status_code == 200

    found = await client.get(
        f"/internal/v1/users/{agent.user_id}", headers=_service_headers(gateway_settings, owner)
    )

    assert found.status_code == 200
    assert found.json()["active"] is False


async def test_another_tenants_user_and_nobody_are_the_same_404(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    team_a, team_b = await actors.tenant(), await actors.tenant()
    headers = _service_headers(gateway_settings, team_a[Role.manager])

    foreign = await client.get(f"/internal/v1/users/{team_b[Role.agent].user_id}", headers=headers)
    nobody = await client.get(f"/internal/v1/users/{uuid.uuid4()}", headers=headers)

    for answer in (foreign, nobody):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "user_unknown"
    # Nothing tells the two apart but the path asked for.
    assert {k: v for k, v in foreign.json().items() if k != "instance"} == {
        k: v for k, v in nobody.json().items() if k != "instance"
    }


async def test_only_a_services_identity_token_opens_it(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    team = await actors.tenant()
    owner, agent = team[Role.owner], team[Role.agent]
    key = (
        await client.post(
            "/api/v1/api-keys", json={"name": "ops", "role": "admin"}, headers=owner.headers
        )
    ).json()["key"]
    url = f"/internal/v1/users/{agent.user_id}"
    refresh_cookie = {"Cookie": "mia_refresh=anything-at-all"}
    forged = _service_headers(gateway_settings, owner, secret="x" * 48)
    expired = _service_headers(
        gateway_settings, owner, issued_at=datetime.now(UTC) - timedelta(minutes=5)
    )

    for headers in (
        {},
        owner.headers,  # a login session's bearer token
        {"X-Api-Key": key},
        {"Authorization": f"Bearer {key}"},
        refresh_cookie,
        forged,
        expired,
        {IDENTITY_HEADER: owner.token},  # a session token where the identity goes
    ):
        answer = await client.get(url, headers=headers)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"


async def test_it_is_not_in_the_public_document(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/openapi.json")).json()

    assert not [path for path in document["paths"] if path.startswith("/internal")]

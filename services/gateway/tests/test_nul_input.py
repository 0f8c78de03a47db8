"""A NUL character (U+0000) in any string the gateway's accounts API takes is a 422 naming
the field, never a server error (PostgreSQL refuses it in text), and nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from mia_common.identity import Role
from support.actors import Actor, Actors
from support.platform import platform_admin

NUL = "\u0000"


@dataclass(frozen=True)
class Case:
    """One request with NUL in one place: who sends it, and where the 422 must point."""

    method: str
    path: str
    loc: list[str | int]
    body: dict[str, object] | None = None
    params: dict[str, str] | None = None
    caller: str = "owner"  # "owner", "platform" or "anonymous"


CASES = [
    Case("PATCH", "/api/v1/tenant", ["body", "name"], {"name": f"Loja{NUL}"}),
    Case("PATCH", "/api/v1/tenant", ["body", "settings"], {"settings": {f"k{NUL}": 1}}),
    Case("PATCH", "/api/v1/users/{agent}", ["body", "name"], {"name": f"Ana{NUL}"}),
    Case("GET", "/api/v1/users", ["query", "q"], params={"q": f"an{NUL}a"}),
    Case("POST", "/api/v1/invitations", ["body", "email"], {"email": f"a{NUL}@example.com"}),
    Case("POST", "/api/v1/api-keys", ["body", "name"], {"name": f"sync{NUL}"}),
    Case("POST", "/api/v1/api-keys", ["body", "scopes", 0], {"name": "k", "scopes": [f"c{NUL}"]}),
    Case("GET", "/api/v1/audit", ["query", "action"], params={"action": f"login{NUL}"}),
    Case("GET", "/api/v1/admin/tenants", ["query", "q"], params={"q": NUL}, caller="platform"),
    Case(
        "POST",
        "/api/v1/admin/tenants",
        ["body", "owner_name"],
        {"name": "Padaria", "owner_email": "p@padaria.com.br", "owner_name": f"Zé{NUL}"},
        caller="platform",
    ),
    Case(
        "POST",
        "/api/v1/auth/login",
        ["body", "email"],
        {"email": f"a{NUL}@example.com", "password": "x"},
        caller="anonymous",
    ),
    Case(
        "POST",
        "/api/v1/auth/login",
        ["body", "password"],
        {"email": "a@example.com", "password": f"x{NUL}"},
        caller="anonymous",
    ),
    Case(
        "POST",
        "/api/v1/auth/signup",
        ["body", "company"],
        {"company": f"Co{NUL}", "email": "co@example.com", "password": "Long-enough-pass-1"},
        caller="anonymous",
    ),
    Case(
        "POST",
        "/api/v1/invitations/accept",
        ["body", "name"],
        {"token": "a" * 43, "name": f"Eve{NUL}", "password": "Long-enough-pass-1"},
        caller="anonymous",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method} {case.path} {case.loc}")
async def test_nul_is_refused_naming_the_field(
    case: Case, client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    callers: dict[str, Actor | None] = {
        "owner": team[Role.owner],
        "platform": await platform_admin(actors) if case.caller == "platform" else None,
        "anonymous": None,
    }
    caller = callers[case.caller]
    url = case.path.format(agent=team[Role.agent].user_id)

    response = await client.request(
        case.method,
        url,
        json=case.body,
        params=case.params,
        headers=caller.headers if caller else {},
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [error["loc"] for error in errors] == [case.loc]
    assert "NUL" in errors[0]["msg"] or "pattern" in errors[0]["msg"]


async def test_nothing_is_stored_when_one_field_holds_nul(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    owner, agent = team[Role.owner], team[Role.agent]
    before = (await client.get("/api/v1/tenant", headers=owner.headers)).json()

    tenant = await client.patch(
        "/api/v1/tenant",
        json={"timezone": "America/Recife", "name": f"Loja{NUL}"},
        headers=owner.headers,
    )
    user = await client.patch(
        f"/api/v1/users/{agent.user_id}",
        json={"role": "manager", "name": f"Ana{NUL}"},
        headers=owner.headers,
    )

    assert tenant.status_code == user.status_code == 422
    assert (await client.get("/api/v1/tenant", headers=owner.headers)).json() == before
    agent_now = (await client.get(f"/api/v1/users/{agent.user_id}", headers=owner.headers)).json()
    assert agent_now["role"] == "agent"
    assert NUL not in agent_now["name"]


async def test_nul_in_a_field_of_another_tenants_user_is_refused_before_the_lookup(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner_a = (await actors.tenant((Role.owner,)))[Role.owner]
    team_b = await actors.tenant((Role.owner, Role.agent))
    agent_b = team_b[Role.agent]

    refused = await client.patch(
        f"/api/v1/users/{agent_b.user_id}", json={"name": f"x{NUL}"}, headers=owner_a.headers
    )
    not_found = await client.patch(
        f"/api/v1/users/{agent_b.user_id}", json={"name": "x"}, headers=owner_a.headers
    )

    assert refused.status_code == 422
    assert not_found.status_code == 404
    agent = (
        await client.get(f"/api/v1/users/{agent_b.user_id}", headers=team_b[Role.owner].headers)
    ).json()
    assert agent["name"] == "Agent"

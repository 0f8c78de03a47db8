"""The role matrix of docs/roles.md: each role allowed and denied as documented."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest

from mia_common.identity import Role
from support.actors import Actor, Actors

OWNER, ADMIN, MANAGER, AGENT = Role.owner, Role.admin, Role.manager, Role.agent
O, A, M, G = OWNER, ADMIN, MANAGER, AGENT  # noqa: E741  (columns of the matrix, as in docs/roles.md)
Call = Callable[[httpx.AsyncClient, Actor, dict[Role, Actor]], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Row:
    action: str
    allowed: frozenset[Role]
    call: Call


async def _me(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.get("/api/v1/me", headers=who.headers)


async def _tenant(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.get("/api/v1/tenant", headers=who.headers)


async def _list_users(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.get("/api/v1/users", headers=who.headers)


async def _read_user(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.get(f"/api/v1/users/{team[G].user_id}", headers=who.headers)


async def _update_tenant(
    c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]
) -> httpx.Response:
    return await c.patch(
        "/api/v1/tenant", json={"timezone": "America/Sao_Paulo"}, headers=who.headers
    )


async def _invite(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.post(
        "/api/v1/invitations",
        json={"email": f"new-{who.role.value}-{who.user_id.hex[:6]}@example.com", "role": "agent"},
        headers=who.headers,
    )


async def _list_invitations(
    c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]
) -> httpx.Response:
    return await c.get("/api/v1/invitations", headers=who.headers)


async def _change_role(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    target = team[G] if who.role is not G else team[M]
    return await c.patch(
        f"/api/v1/users/{target.user_id}", json={"role": "manager"}, headers=who.headers
    )


async def _disable(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    target = team[G] if who.role is not G else team[M]
    return await c.post(f"/api/v1/users/{target.user_id}/disable", headers=who.headers)


async def _create_key(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.post(
        "/api/v1/api-keys", json={"name": "zapier", "role": "agent"}, headers=who.headers
    )


async def _list_keys(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.get("/api/v1/api-keys", headers=who.headers)


async def _audit(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.get("/api/v1/audit", headers=who.headers)


async def _grant_owner(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    target = team[G] if who.role is not G else team[M]
    return await c.patch(
        f"/api/v1/users/{target.user_id}", json={"role": "owner"}, headers=who.headers
    )


async def _disable_owner(
    c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]
) -> httpx.Response:
    # A second owner, so the rule "keep one owner" does not get in the way.
    second_owner = team[A] if who.role is O else team[O]
    if who.role is O:
        await c.patch(
            f"/api/v1/users/{team[A].user_id}", json={"role": "owner"}, headers=who.headers
        )
    return await c.post(f"/api/v1/users/{second_owner.user_id}/disable", headers=who.headers)


async def _list_teams(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    return await c.get("/api/v1/teams", headers=who.headers)


async def _write_teams(c: httpx.AsyncClient, who: Actor, team: dict[Role, Actor]) -> httpx.Response:
    # The owner makes the team, so only the caller's write is judged.
    created = await c.post("/api/v1/teams", json={"name": "Support"}, headers=team[O].headers)
    assert created.status_code == 201, created.text
    return await c.patch(
        f"/api/v1/teams/{created.json()['id']}",
        json={"member_ids": [str(team[G].user_id)]},
        headers=who.headers,
    )


ROWS = [
    Row("see oneself", frozenset({O, A, M, G}), _me),
    Row("see one's company", frozenset({O, A, M, G}), _tenant),
    Row("list users", frozenset({O, A, M}), _list_users),
    Row("read a user", frozenset({O, A, M}), _read_user),
    Row("list and read teams", frozenset({O, A, M, G}), _list_teams),
    Row("create, change, delete teams", frozenset({O, A}), _write_teams),
    Row("change company settings", frozenset({O, A}), _update_tenant),
    Row("invite people", frozenset({O, A}), _invite),
    Row("list invitations", frozenset({O, A}), _list_invitations),
    Row("change a user's role", frozenset({O, A}), _change_role),
    Row("disable a user", frozenset({O, A}), _disable),
    Row("create API keys", frozenset({O, A}), _create_key),
    Row("list API keys", frozenset({O, A}), _list_keys),
    Row("read the audit log", frozenset({O, A}), _audit),
    Row("grant the owner role", frozenset({O}), _grant_owner),
    Row("disable an owner", frozenset({O}), _disable_owner),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.action for row in ROWS])
@pytest.mark.parametrize("role", [O, A, M, G], ids=lambda role: role.value)
async def test_role_matrix(row: Row, role: Role, client: httpx.AsyncClient, actors: Actors) -> None:
    team = await actors.tenant()
    response = await row.call(client, team[role], team)
    if role in row.allowed:
        assert response.status_code < 300, f"{role.value} may {row.action}: {response.text}"
    else:
        assert response.status_code == 403, f"{role.value} may not {row.action}: {response.text}"
        assert response.headers["content-type"] == "application/problem+json"


async def test_nobody_changes_their_own_role(client: httpx.AsyncClient, actors: Actors) -> None:
    team = await actors.tenant((O, A))
    admin = team[A]
    response = await client.patch(
        f"/api/v1/users/{admin.user_id}", json={"role": "owner"}, headers=admin.headers
    )
    assert response.status_code == 403


async def test_company_keeps_one_active_owner(client: httpx.AsyncClient, actors: Actors) -> None:
    team = await actors.tenant((O, A))
    owner = team[O]
    await client.patch(
        f"/api/v1/users/{team[A].user_id}", json={"role": "owner"}, headers=owner.headers
    )
    second = await actors.login(team[A].email)
    demote = await client.patch(
        f"/api/v1/users/{owner.user_id}",
        json={"role": "agent"},
        headers={"Authorization": f"Bearer {second}"},
    )
    assert demote.status_code == 200, "two owners: one may step down"
    again = await client.patch(
        f"/api/v1/users/{team[A].user_id}", json={"role": "agent"}, headers=owner.headers
    )
    assert again.status_code == 403, "the demoted owner is an agent now"

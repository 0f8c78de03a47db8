"""Every endpoint, called by another tenant with this tenant's ids, answers 404 and changes
nothing; lists never show another tenant's rows."""

from __future__ import annotations

from typing import Any

import pytest

from mia_common.identity import Role
from support.world import World

ENDPOINTS = [
    ("GET", "/api/v1/inbox/conversations/{conversation}", None),
    ("GET", "/api/v1/inbox/conversations/{conversation}/messages", None),
    ("POST", "/api/v1/inbox/conversations/{conversation}/messages", {"type": "text", "text": "x"}),
    (
        "POST",
        "/api/v1/inbox/conversations/{conversation}/messages",
        {"type": "template", "name": "t", "language": "en"},
    ),
    ("POST", "/api/v1/inbox/conversations/{conversation}/read", None),
    ("POST", "/api/v1/inbox/conversations/{conversation}/assign", {"user_id": None}),
    ("POST", "/api/v1/inbox/conversations/{conversation}/status", {"status": "closed"}),
    ("GET", "/api/v1/inbox/conversations/{conversation}/notes", None),
    ("POST", "/api/v1/inbox/conversations/{conversation}/notes", {"text": "pwned"}),
    ("GET", "/api/v1/contacts/{contact}", None),
    ("PATCH", "/api/v1/contacts/{contact}", {"name": "pwned"}),
    ("GET", "/api/v1/contacts/{contact}/timeline", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
async def test_another_tenants_ids_are_not_found_and_nothing_changes(
    method: str, path: str, body: dict[str, Any] | None, world: World
) -> None:
    message = await world.deliver(name="Ana")
    before = await world.conversation_of(message)
    ids = {"conversation": before["id"], "contact": before["contact"]["id"]}
    stranger = world.stranger(Role.owner)

    response = await world.client.request(
        method, path.format(**ids), json=body, headers=stranger.headers
    )

    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    after = await world.conversation_of(message)
    assert after == before
    assert len(await world.messages(before["id"])) == 1
    notes = await world.get(f"/api/v1/inbox/conversations/{before['id']}/notes")
    assert notes["items"] == []


async def test_lists_show_only_the_callers_tenant(world: World) -> None:
    await world.deliver(name="Ana", text="secret")
    stranger = world.stranger(Role.owner)

    for path, params in [
        ("/api/v1/inbox/conversations", {}),
        ("/api/v1/inbox/conversations", {"q": "secret"}),
        ("/api/v1/inbox/conversations", {"channel_account_id": str(world.account_id)}),
        ("/api/v1/contacts", {}),
        ("/api/v1/contacts", {"q": "Ana"}),
        ("/api/v1/duplicates", {}),
    ]:
        page = await world.get(path, stranger, **params)
        assert page == {"items": [], "next_cursor": None}, path


async def test_every_endpoint_needs_the_gateways_identity(world: World) -> None:
    message = await world.deliver()
    conversation = await world.conversation_of(message)
    ids = {"conversation": conversation["id"], "contact": conversation["contact"]["id"]}

    for method, path, body in ENDPOINTS:
        response = await world.client.request(method, path.format(**ids), json=body)
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "missing"
    forged = {"X-Mia-Identity": world.agent.headers["X-Mia-Identity"][:-4] + "AAAA"}
    response = await world.client.get("/api/v1/inbox/conversations", headers=forged)
    assert response.status_code == 401

"""Which addresses an invitation (and a new account) takes: what the document's pattern
says, no more and no less, and stored lower-cased whatever that does to their length."""

from __future__ import annotations

import httpx
import pytest

from mia_common.identity import Role
from support.actors import Actors


@pytest.mark.parametrize(
    "email",
    [
        "ana@loja.test",  # a special-use domain: an address like any other here
        "Ana.Silva+vendas@Sub.Example.com.br",
        "\u0130" * 140 + "@example.com",  # İ lower-cases to two characters: 287 stored
    ],
)
async def test_an_address_the_document_allows_is_invited_lower_cased(
    email: str, client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]

    invited = await client.post(
        "/api/v1/invitations", json={"email": email, "role": "agent"}, headers=owner.headers
    )

    assert invited.status_code == 201, invited.text
    assert invited.json()["email"] == email.lower()
    pending = (await client.get("/api/v1/invitations", headers=owner.headers)).json()["items"]
    assert [item["email"] for item in pending] == [email.lower()]


@pytest.mark.parametrize(
    "email",
    ["ana@loja", "ana loja@example.com", "ana@@example.com", "a" * 150 + "@example.com"],
)
async def test_an_address_the_document_refuses_is_a_422_naming_it(
    email: str, client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]

    refused = await client.post(
        "/api/v1/invitations", json={"email": email, "role": "agent"}, headers=owner.headers
    )

    assert refused.status_code == 422
    assert [error["loc"] for error in refused.json()["errors"]] == [["body", "email"]]
    assert (await client.get("/api/v1/invitations", headers=owner.headers)).json()["items"] == []

"""The gateway's public API answers as its document says (schemathesis, bounded).

The caller is the owner of a tenant the test made, also a platform administrator, so the
generated requests reach every operation, the platform's too; half of them use ids the test
created (a teammate, a pending invitation, an API key, a team, a second tenant to suspend).

The app routes to no service (``gateway_app`` has no ``routes``), so its public document
holds the gateway's own operations only: the merged upstream operations are each service's
own contract test's, and ``test_routing_openapi`` checks the merge itself. The request
limits stay on (their fields are documented on the answers this checks); the run's few
hundred requests stay within a tenant's default burst.
"""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from mia_common.db import unit_of_work
from mia_common.identity import Role
from mia_common.testing.api_contract import check_api_contract
from mia_gateway.models import User
from support.actors import Actors

# Answer without an identity by design: logging in, signing up, spending the refresh
# cookie, accepting an invitation and the provider redirects are how one gets one.
PUBLIC = [
    "GET /healthz",
    "GET /readyz",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/refresh",
    "POST /api/v1/auth/signup",
    "POST /api/v1/invitations/accept",
    "GET /api/v1/auth/oauth/providers",
    "GET /api/v1/auth/oauth/{provider}/start",
    "GET /api/v1/auth/oauth/{provider}/callback",
]
# Refusals of input no schema can describe: a cursor the API never handed out, business
# hours whose interval closes before it opens or that overlap.
REFUSALS_BY_DESIGN = ["invalid_cursor", "business_hours_invalid"]
# A team's members are checked against the company's users: no pattern says which ids are.
REFUSALS_BY_DESIGN += ["member_unknown"]
# Logging out ends the caller's session, and every operation after it would answer 401
# (test_auth covers it).
SKIP = ["POST /api/v1/auth/logout"]


async def test_every_answer_is_the_documented_one(
    gateway_app: FastAPI, client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    owner, agent = team[Role.owner], team[Role.agent]
    other = (await actors.tenant((Role.owner,)))[Role.owner]
    async with unit_of_work(actors.session_factory) as session:
        await session.execute(
            update(User).where(User.id == owner.user_id).values(is_platform_admin=True)
        )
    invitation = await client.post(
        "/api/v1/invitations",
        json={"email": f"invited-{owner.user_id.hex[:8]}@example.com"},
        headers=owner.headers,
    )
    key = await client.post("/api/v1/api-keys", json={"name": "sync"}, headers=owner.headers)
    teams = await client.post(
        "/api/v1/teams",
        json={"name": "Support", "member_ids": [str(agent.user_id)]},
        headers=owner.headers,
    )
    assert invitation.status_code == key.status_code == teams.status_code == 201

    # A server error is an answer to report, not an exception to stop at.
    transport = httpx.ASGITransport(app=gateway_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as fuzzer:
        failures = await check_api_contract(
            fuzzer,
            headers=owner.headers,
            document_path="/api/openapi.json",
            known_ids={
                "user_id": str(agent.user_id),
                "invitation_id": invitation.json()["id"],
                "key_id": key.json()["id"],
                "team_id": teams.json()["id"],
                "tenant_id": str(other.tenant_id),
            },
            public=PUBLIC,
            skip=SKIP,
            refusals_by_design=REFUSALS_BY_DESIGN,
            examples=8,
        )

    assert not failures, "\n".join(map(str, failures))

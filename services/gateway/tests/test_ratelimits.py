"""Request rate limits: per API key and per tenant, told to clients on every answer.

The gateway under test has small limits so a test exhausts them in a few requests: a
tenant's bucket holds TENANT_BURST and refills at TENANT_PER_MINUTE, an API key's holds
KEY_BURST at KEY_PER_MINUTE (one token a second, so a refusal's wait is one second). It
routes the echo service of the routing tests, real HTTP on uvicorn, so forwarded requests
are limited as the gateway's own are.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import socket
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from redis.asyncio import Redis

from mia_common.identity import Role
from mia_common.testing import wait_until
from mia_common.testing.lifespan import running
from mia_gateway.auth.principal import Principal
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app
from mia_gateway.ratelimits.limiter import RequestLimiter
from support.actors import Actor, Actors
from support.fake_service import AREA, create_fake_service, serving

TENANT_PER_MINUTE, TENANT_BURST = 120, 8
KEY_PER_MINUTE, KEY_BURST = 60, 3


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
async def echo_url(gateway_settings: GatewaySettings) -> AsyncIterator[str]:
    service = create_fake_service(gateway_settings)
    async with serving(service.app) as url:
        yield url


def _limited_settings(base: GatewaySettings, **update: Any) -> GatewaySettings:
    return base.model_copy(
        update={
            "tenant_requests_per_minute": TENANT_PER_MINUTE,
            "tenant_request_burst": TENANT_BURST,
            "api_key_requests_per_minute": KEY_PER_MINUTE,
            "api_key_request_burst": KEY_BURST,
            **update,
        }
    )


@pytest.fixture(scope="module")
async def limited_app(gateway_settings: GatewaySettings, echo_url: str) -> AsyncIterator[FastAPI]:
    app = create_app(_limited_settings(gateway_settings, routes={AREA: echo_url}))
    async with running(app):
        yield app


@pytest.fixture
async def gateway(limited_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    transport = httpx.ASGITransport(app=limited_app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield http


@pytest.fixture
def teams(limited_app: FastAPI, gateway: httpx.AsyncClient) -> Actors:
    return Actors(limited_app, gateway)


async def _api_key(gateway: httpx.AsyncClient, admin: Actor) -> dict[str, str]:
    """A new key of ``admin``'s tenant, as ``X-Api-Key`` headers (costs one tenant token)."""
    response = await gateway.post(
        "/api/v1/api-keys",
        json={"name": f"sync-{uuid.uuid4().hex[:6]}", "role": "agent"},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    return {"X-Api-Key": response.json()["key"]}


def _limits(response: httpx.Response) -> dict[str, dict[str, int]]:
    """The ``RateLimit`` field as {policy: {"r": .., "t": ..}}."""
    parsed: dict[str, dict[str, int]] = {}
    for item in response.headers["ratelimit"].split(","):
        name, *params = item.strip().split(";")
        parsed[name.strip('"')] = {k: int(v) for k, v in (p.split("=") for p in params)}
    return parsed


async def _exhaust_key(gateway: httpx.AsyncClient, key: dict[str, str]) -> httpx.Response:
    """Forwarded calls with ``key`` until one is refused; the refusal."""
    for _ in range(KEY_BURST + 3):
        response = await gateway.get(f"/api/v1/{AREA}/ping", headers=key)
        if response.status_code == 429:
            return response
        assert response.status_code == 200, response.text
    raise AssertionError("the key was never limited")


async def test_a_noisy_key_is_refused_while_another_tenants_dashboard_keeps_working(
    gateway: httpx.AsyncClient, teams: Actors
) -> None:
    noisy_admin = (await teams.tenant((Role.owner, Role.admin)))[Role.admin]
    other_tenant = (await teams.tenant((Role.owner, Role.agent)))[Role.agent]
    key_a = await _api_key(gateway, noisy_admin)

    refused = await _exhaust_key(gateway, key_a)
    dashboard = [
        await gateway.get(path, headers=other_tenant.headers)
        for path in (f"/api/v1/{AREA}/inbox", "/api/v1/tenant", f"/api/v1/{AREA}/contacts/1")
    ]

    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 429
    assert problem["code"] == "rate_limited"
    assert problem["policy"] == "api-key"
    assert "API key" in problem["detail"]
    assert [answer.status_code for answer in dashboard] == [200, 200, 200]


async def test_a_refusal_says_when_to_come_back_and_waiting_that_long_is_enough(
    gateway: httpx.AsyncClient, teams: Actors
) -> None:
    admin = (await teams.tenant((Role.owner, Role.admin)))[Role.admin]
    key = await _api_key(gateway, admin)

    refused = await _exhaust_key(gateway, key)
    refused_at = time.monotonic()
    retry_after = int(refused.headers["retry-after"])

    # One token a second: the wait is a second, not a guess on the safe side.
    assert retry_after == 1
    assert refused.json()["retry_after"] == retry_after
    assert _limits(refused)["api-key"] == {"r": 0, "t": retry_after}
    await wait_until(lambda: time.monotonic() - refused_at >= retry_after, timeout=5)
    again = await gateway.get(f"/api/v1/{AREA}/ping", headers=key)
    assert again.status_code == 200, again.text


async def test_ordinary_answers_carry_the_policies_and_what_is_left(
    gateway: httpx.AsyncClient, teams: Actors
) -> None:
    team = await teams.tenant((Role.owner, Role.admin, Role.manager))
    manager, admin = team[Role.manager], team[Role.admin]
    key = await _api_key(gateway, admin)  # the tenant's first token

    own = await gateway.get("/api/v1/users", headers=manager.headers)
    forwarded = await gateway.get(f"/api/v1/{AREA}/ping", headers=key)

    assert own.status_code == forwarded.status_code == 200
    assert own.headers["ratelimit-policy"] == f'"tenant";q={TENANT_PER_MINUTE};w=60'
    assert _limits(own)["tenant"]["r"] == TENANT_BURST - 2
    # Seconds until the bucket is whole again: 2 tokens at 2 a second, rounded up.
    assert 1 <= _limits(own)["tenant"]["t"] <= 2
    assert forwarded.headers["ratelimit-policy"] == (
        f'"api-key";q={KEY_PER_MINUTE};w=60, "tenant";q={TENANT_PER_MINUTE};w=60'
    )
    limits = _limits(forwarded)
    assert limits["api-key"]["r"] == KEY_BURST - 1
    assert limits["tenant"]["r"] == TENANT_BURST - 3


async def test_a_refused_key_costs_its_tenant_nothing(
    gateway: httpx.AsyncClient, teams: Actors
) -> None:
    admin = (await teams.tenant((Role.owner, Role.admin)))[Role.admin]
    key = await _api_key(gateway, admin)
    await _exhaust_key(gateway, key)

    refusals = [await gateway.get(f"/api/v1/{AREA}/ping", headers=key) for _ in range(10)]
    dashboard = await gateway.get("/api/v1/users", headers=admin.headers)

    assert {answer.status_code for answer in refusals} == {429}
    assert dashboard.status_code == 200
    # Spent: the key's creation, its KEY_BURST calls and this one; the refusals nothing.
    # (Refills meanwhile can only add.)
    assert _limits(dashboard)["tenant"]["r"] >= TENANT_BURST - KEY_BURST - 2


async def test_another_key_of_the_same_tenant_is_not_slowed_by_a_noisy_one(
    gateway: httpx.AsyncClient, teams: Actors
) -> None:
    admin = (await teams.tenant((Role.owner, Role.admin)))[Role.admin]
    key_a, key_b = await _api_key(gateway, admin), await _api_key(gateway, admin)

    await _exhaust_key(gateway, key_a)
    response = await gateway.get(f"/api/v1/{AREA}/ping", headers=key_b)

    assert response.status_code == 200, response.text
    assert _limits(response)["api-key"]["r"] == KEY_BURST - 1


async def test_a_tenants_dashboard_users_share_the_tenant_limit(
    gateway: httpx.AsyncClient, teams: Actors
) -> None:
    team = await teams.tenant((Role.owner, Role.manager, Role.agent))
    manager, agent = team[Role.manager], team[Role.agent]
    stranger = (await teams.tenant((Role.owner,)))[Role.owner]

    answers = [
        (await gateway.get(f"/api/v1/{AREA}/ping", headers=manager.headers)).status_code
        for _ in range(TENANT_BURST + 2)
    ]
    agent_answer = await gateway.get("/api/v1/tenant", headers=agent.headers)
    stranger_answer = await gateway.get(f"/api/v1/{AREA}/inbox", headers=stranger.headers)

    assert 429 in answers
    assert agent_answer.status_code == 429
    assert agent_answer.json()["policy"] == "tenant"
    assert "company" in agent_answer.json()["detail"]
    assert re.fullmatch(r"\d+", agent_answer.headers["retry-after"])
    assert stranger_answer.status_code == 200


async def test_a_limited_caller_is_authenticated_first(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get(f"/api/v1/{AREA}/ping", headers={"X-Api-Key": "mia_no_key"})

    assert response.status_code == 401
    assert "ratelimit" not in response.headers


async def test_signing_in_is_not_limited_by_the_request_limits(
    gateway: httpx.AsyncClient, teams: Actors
) -> None:
    owner = (await teams.tenant((Role.owner,)))[Role.owner]

    response = await gateway.post(
        "/api/v1/auth/login", json={"email": owner.email, "password": "wrong-Password-1"}
    )

    # The login throttle's business, not a tenant's bucket: refused as a bad password.
    assert response.status_code == 401
    assert "ratelimit" not in response.headers


async def test_a_limit_of_zero_turns_the_limits_off(
    gateway_settings: GatewaySettings, echo_url: str
) -> None:
    settings = _limited_settings(
        gateway_settings,
        routes={AREA: echo_url},
        tenant_requests_per_minute=0,
        api_key_requests_per_minute=0,
    )
    app = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            owner = (await Actors(app, http).tenant((Role.owner,)))[Role.owner]
            answers = [
                await http.get(f"/api/v1/{AREA}/ping", headers=owner.headers)
                for _ in range(TENANT_BURST * 2)
            ]

    assert {answer.status_code for answer in answers} == {200}
    assert not [answer for answer in answers if "ratelimit" in answer.headers]


async def test_without_redis_requests_pass_unlimited(gateway_settings: GatewaySettings) -> None:
    # A port nobody listens on: the limits are out of reach, the API is not.
    unreachable = Redis.from_url(f"redis://127.0.0.1:{_closed_port()}/0", socket_timeout=1)
    limiter = RequestLimiter.from_settings(unreachable, _limited_settings(gateway_settings))
    caller = Principal(kind="user", id=uuid.uuid4(), tenant_id=uuid.uuid4(), role=Role.agent)
    try:
        assert await limiter.admit(caller) is None
    finally:
        await unreachable.aclose()


def test_the_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_GATEWAY_TENANT_REQUESTS_PER_MINUTE", "600")
    monkeypatch.setenv("MIA_GATEWAY_TENANT_REQUEST_BURST", "50")
    monkeypatch.setenv("MIA_GATEWAY_API_KEY_REQUESTS_PER_MINUTE", "0")

    settings = GatewaySettings()

    assert (settings.tenant_requests_per_minute, settings.tenant_request_burst) == (600, 50)
    assert settings.api_key_requests_per_minute == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [("MIA_GATEWAY_TENANT_REQUESTS_PER_MINUTE", "-1"), ("MIA_GATEWAY_API_KEY_REQUEST_BURST", "0")],
)
def test_a_limit_that_means_nothing_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError, match=name):
        GatewaySettings()


async def test_a_flood_of_concurrent_requests_is_limited_exactly_not_let_through(
    limited_app: FastAPI, gateway_settings: GatewaySettings
) -> None:
    # More requests at once than the Redis pool has connections (redis-py refuses the
    # 101st): none may be waved through as if Redis were away.
    redis = limited_app.state.context.infra.redis_client
    burst = 150
    limiter = RequestLimiter.from_settings(
        redis,
        _limited_settings(
            gateway_settings, tenant_requests_per_minute=1, tenant_request_burst=burst
        ),
    )
    caller = Principal(kind="user", id=uuid.uuid4(), tenant_id=uuid.uuid4(), role=Role.agent)

    verdicts = await asyncio.gather(*(limiter.admit(caller) for _ in range(400)))

    assert None not in verdicts
    assert sum(1 for verdict in verdicts if verdict is not None and verdict.allowed) == burst


async def test_every_signed_in_route_takes_from_the_same_limits(
    gateway: httpx.AsyncClient, teams: Actors
) -> None:
    """The gateway's own routes that share a router with anonymous ones (``/me``, the
    invitations) are limited too: a key spent on forwarded calls is refused there."""
    admin = (await teams.tenant((Role.owner, Role.admin)))[Role.admin]
    key = await _api_key(gateway, admin)
    await _exhaust_key(gateway, key)

    for path in ("/api/v1/me", "/api/v1/invitations"):
        refused = await gateway.get(path, headers=key)
        assert refused.status_code == 429, (path, refused.text)
        assert refused.json()["policy"] == "api-key"
    fresh = await gateway.get("/api/v1/me", headers=admin.headers)
    assert fresh.status_code == 200, "the admin's own session still has its tenant's tokens"
    assert "ratelimit" in fresh.headers

"""Login, /me, tokens and sessions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from mia_common.identity import Role
from mia_gateway.auth.tokens import issue_access_token
from mia_gateway.config import GatewaySettings
from support.actors import PASSWORD, Actors


async def test_login_returns_access_token_and_me_describes_the_caller(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    agent = team[Role.agent]
    response = await client.get("/api/v1/me", headers=agent.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == agent.email
    assert body["role"] == "agent"
    assert body["tenant"]["id"] == str(agent.tenant_id)


async def test_wrong_password_is_refused_with_problem_json(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner,))
    response = await client.post(
        "/api/v1/auth/login", json={"email": team[Role.owner].email, "password": "nope-nope-nope"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "login_failed"


async def test_expired_access_token_is_refused(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    team = await actors.tenant((Role.owner,))
    owner = team[Role.owner]
    me = (await client.get("/api/v1/me", headers=owner.headers)).json()
    assert me["user"]["id"] == str(owner.user_id)
    # A token minted for the same real session, but an hour ago with a 15-minute life.
    from jwt import decode

    session_id = uuid.UUID(decode(owner.token, options={"verify_signature": False})["sid"])
    expired, _ = issue_access_token(
        user_id=owner.user_id,
        tenant_id=owner.tenant_id,
        session_id=session_id,
        secret=gateway_settings.jwt_secret.get_secret_value(),
        ttl_seconds=900,
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner,))
    email = team[Role.owner].email
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    first_refresh = client.cookies["mia_refresh"]

    rotated = await client.post("/api/v1/auth/refresh")
    assert rotated.status_code == 200
    second_refresh = client.cookies["mia_refresh"]
    assert second_refresh != first_refresh
    new_access = rotated.json()["access_token"]
    assert (
        await client.get("/api/v1/me", headers={"Authorization": f"Bearer {new_access}"})
    ).status_code == 200

    # Someone replays the first (spent) refresh token: the whole session ends.
    client.cookies.set("mia_refresh", first_refresh, path="/api/v1/auth")
    replay = await client.post("/api/v1/auth/refresh")
    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_reused"

    client.cookies.set("mia_refresh", second_refresh, path="/api/v1/auth")
    assert (await client.post("/api/v1/auth/refresh")).json()["code"] == "session_revoked"
    for token in (login.json()["access_token"], new_access):
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401


async def test_refresh_cookie_is_http_only_and_same_site(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner,))
    response = await client.post(
        "/api/v1/auth/login", json={"email": team[Role.owner].email, "password": PASSWORD}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "path=/api/v1/auth" in cookie


async def test_logout_ends_the_session(client: httpx.AsyncClient, actors: Actors) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    assert (await client.post("/api/v1/auth/logout", headers=owner.headers)).status_code == 204
    me = await client.get("/api/v1/me", headers=owner.headers)
    assert me.status_code == 401
    assert me.json()["code"] == "session_revoked"


async def test_disabled_user_tokens_stop_working_at_once(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    agent, owner = team[Role.agent], team[Role.owner]
    assert (await client.get("/api/v1/me", headers=agent.headers)).status_code == 200
    disabled = await client.post(f"/api/v1/users/{agent.user_id}/disable", headers=owner.headers)
    assert disabled.status_code == 200
    response = await client.get("/api/v1/me", headers=agent.headers)
    assert response.status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"email": agent.email, "password": PASSWORD}
    )
    assert login.status_code == 401


async def test_eleventh_wrong_password_in_a_minute_is_throttled_and_a_right_one_must_wait(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    statuses = []
    for _ in range(10):
        response = await client.post(
            "/api/v1/auth/login", json={"email": owner.email, "password": "wrong-password-1"}
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 10
    throttled = await client.post(
        "/api/v1/auth/login", json={"email": owner.email, "password": "wrong-password-1"}
    )
    assert throttled.status_code == 429
    assert throttled.headers["content-type"] == "application/problem+json"
    assert int(throttled.headers["retry-after"]) >= 1
    right = await client.post(
        "/api/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
    )
    assert right.status_code == 429, "a right password during the wait is refused too"


async def test_signup_is_off_unless_configured(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={"company": "Acme", "email": "new@example.com", "password": PASSWORD},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "signup_disabled"


async def test_first_run_created_the_platform_admin(client: httpx.AsyncClient) -> None:
    token = (
        await client.post(
            "/api/v1/auth/login",
            json={"email": "platform-admin@example.com", "password": "first-run-Password-1"},
        )
    ).json()["access_token"]
    me = (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).json()
    assert me["user"]["is_platform_admin"] is True
    assert me["role"] == "owner"

"""Invitations, API keys, users, company settings, suspension and the audit log."""

from __future__ import annotations

import httpx
import pytest

from mia_common.identity import Role
from support.actors import PASSWORD, Actors


async def _platform_admin_token(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": "platform-admin@example.com", "password": "first-run-Password-1"},
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_invitation_link_is_single_use_and_logs_the_new_user_in(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    admin = (await actors.tenant((Role.owner, Role.admin)))[Role.admin]
    created = await client.post(
        "/api/v1/invitations",
        json={"email": "Maria@Example.com", "role": "manager"},
        headers=admin.headers,
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert token in created.json()["accept_url"]
    accepted = await client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "Maria", "password": "Sunny-garden-road-7"},
    )
    assert accepted.status_code == 201
    me = (
        await client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {accepted.json()['access_token']}"}
        )
    ).json()
    assert me["user"]["email"] == "maria@example.com"
    assert me["role"] == "manager"
    assert me["tenant"]["id"] == str(admin.tenant_id)
    again = await client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "Eve", "password": "Another-strong-pass-7"},
    )
    assert again.status_code == 410
    assert again.json()["code"] == "invitation_used"


async def test_revoked_invitation_cannot_be_accepted_and_weak_passwords_are_explained(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    invitation = (
        await client.post(
            "/api/v1/invitations",
            json={"email": "joao@example.com", "role": "agent"},
            headers=owner.headers,
        )
    ).json()
    short = await client.post(
        "/api/v1/invitations/accept", json={"token": invitation["token"], "password": "short"}
    )
    assert short.status_code == 422
    assert [error["loc"] for error in short.json()["errors"]] == [["body", "password"]]
    weak = await client.post(
        "/api/v1/invitations/accept",
        json={"token": invitation["token"], "password": "1234567890"},
    )
    assert weak.status_code == 422
    assert "too common" in weak.json()["detail"]
    revoke = await client.delete(f"/api/v1/invitations/{invitation['id']}", headers=owner.headers)
    assert revoke.status_code == 204
    late = await client.post(
        "/api/v1/invitations/accept",
        json={"token": invitation["token"], "password": "Strong-enough-pass-1"},
    )
    assert late.status_code == 410
    assert late.json()["code"] == "invitation_revoked"


async def test_admin_cannot_invite_an_owner(client: httpx.AsyncClient, actors: Actors) -> None:
    admin = (await actors.tenant((Role.owner, Role.admin)))[Role.admin]
    response = await client.post(
        "/api/v1/invitations",
        json={"email": "boss@example.com", "role": "owner"},
        headers=admin.headers,
    )
    assert response.status_code == 403


async def test_api_key_is_shown_once_scoped_revocable_and_records_last_use(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    created = (
        await client.post(
            "/api/v1/api-keys",
            json={"name": "CRM sync", "role": "agent", "scopes": ["crm"]},
            headers=owner.headers,
        )
    ).json()
    key = created["key"]
    listed = (await client.get("/api/v1/api-keys", headers=owner.headers)).json()["items"]
    assert listed[0]["prefix"] == created["prefix"]
    assert "key" not in listed[0], "the secret is never shown again"
    assert listed[0]["last_used_at"] is None

    me = await client.get("/api/v1/me", headers={"X-Api-Key": key})
    assert me.status_code == 200
    assert me.json()["scopes"] == ["crm"]
    listed = (await client.get("/api/v1/api-keys", headers=owner.headers)).json()["items"]
    assert listed[0]["last_used_at"] is not None

    assert (
        await client.delete(f"/api/v1/api-keys/{created['id']}", headers=owner.headers)
    ).status_code == 204
    refused = await client.get("/api/v1/me", headers={"X-Api-Key": key})
    assert refused.status_code == 401
    assert refused.json()["code"] == "api_key_revoked"
    tampered = key[:-2] + ("AA" if not key.endswith("AA") else "BB")
    assert (await client.get("/api/v1/me", headers={"X-Api-Key": tampered})).status_code == 401


async def test_users_can_be_searched_and_paged(client: httpx.AsyncClient, actors: Actors) -> None:
    team = await actors.tenant()
    owner = team[Role.owner]
    first = (await client.get("/api/v1/users?limit=3", headers=owner.headers)).json()
    assert len(first["items"]) == 3
    rest = (
        await client.get(
            f"/api/v1/users?limit=3&cursor={first['next_cursor']}", headers=owner.headers
        )
    ).json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    found = (await client.get("/api/v1/users?q=manager", headers=owner.headers)).json()["items"]
    assert [u["role"] for u in found] == ["manager"]
    bad = await client.get("/api/v1/users?limit=0", headers=owner.headers)
    assert bad.status_code == 422


async def test_company_settings_are_validated(client: httpx.AsyncClient, actors: Actors) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    good = await client.patch(
        "/api/v1/tenant",
        json={
            "timezone": "America/Sao_Paulo",
            "business_hours": {"mon": [{"open": "09:00", "close": "18:00"}]},
        },
        headers=owner.headers,
    )
    assert good.status_code == 200
    assert good.json()["timezone"] == "America/Sao_Paulo"
    bad = await client.patch(
        "/api/v1/tenant", json={"timezone": "Mars/Olympus"}, headers=owner.headers
    )
    assert bad.status_code == 422
    assert "Mars/Olympus" in bad.text


@pytest.mark.parametrize(
    ("hours", "reason"),
    [
        ({"tue": [{"open": "18:00", "close": "09:00"}]}, "not after it opens at 18:00"),
        ({"wed": [{"open": "12:00", "close": "12:00"}]}, "not after it opens at 12:00"),
        (
            {"thu": [{"open": "13:00", "close": "18:00"}, {"open": "09:00", "close": "13:30"}]},
            "thu: 09:00-13:30 overlaps 13:00-18:00",
        ),
    ],
)
async def test_business_hours_that_cannot_be_kept_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, actors: Actors, hours: dict[str, object], reason: str
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    kept = {"mon": [{"open": "09:00", "close": "12:00"}, {"open": "12:00", "close": "18:00"}]}
    saved = await client.patch(
        "/api/v1/tenant", json={"business_hours": kept}, headers=owner.headers
    )
    assert saved.status_code == 200, saved.text

    refused = await client.patch(
        "/api/v1/tenant", json={"business_hours": hours}, headers=owner.headers
    )

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert reason in refused.text
    now = (await client.get("/api/v1/tenant", headers=owner.headers)).json()
    assert now["business_hours"] == kept


async def test_suspended_tenant_users_and_keys_stop_at_once_and_come_back(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    key = (
        await client.post(
            "/api/v1/api-keys", json={"name": "k", "role": "agent"}, headers=owner.headers
        )
    ).json()["key"]
    admin = await _platform_admin_token(client)
    listed = (
        await client.get(f"/api/v1/admin/tenants?q={owner.email[6:16]}", headers=admin)
    ).json()
    assert [t["id"] for t in listed["items"]] == [str(owner.tenant_id)]

    suspended = await client.post(f"/api/v1/admin/tenants/{owner.tenant_id}/suspend", headers=admin)
    assert suspended.json()["status"] == "suspended"
    assert (await client.get("/api/v1/me", headers=owner.headers)).status_code == 401
    assert (await client.get("/api/v1/me", headers={"X-Api-Key": key})).status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
    )
    assert login.json()["code"] == "tenant_suspended"

    await client.post(f"/api/v1/admin/tenants/{owner.tenant_id}/reactivate", headers=admin)
    assert (await client.get("/api/v1/me", headers={"X-Api-Key": key})).status_code == 200
    login = await client.post(
        "/api/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
    )
    assert login.status_code == 200


async def test_platform_admin_creates_a_tenant_whose_owner_is_unique(
    client: httpx.AsyncClient,
) -> None:
    admin = await _platform_admin_token(client)
    created = await client.post(
        "/api/v1/admin/tenants",
        json={
            "name": "Padaria São João",
            "owner_email": "dono@padaria.com.br",
            "timezone": "America/Recife",
        },
        headers=admin,
    )
    assert created.status_code == 201
    assert created.json()["slug"] == "padaria-sao-joao"
    twice = await client.post(
        "/api/v1/admin/tenants",
        json={"name": "Padaria 2", "owner_email": "dono@padaria.com.br"},
        headers=admin,
    )
    assert twice.status_code == 409


async def test_audit_log_records_security_actions_newest_first(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    owner, agent = team[Role.owner], team[Role.agent]
    await client.patch(
        f"/api/v1/users/{agent.user_id}", json={"role": "manager"}, headers=owner.headers
    )
    await client.post("/api/v1/api-keys", json={"name": "k"}, headers=owner.headers)
    await client.post(
        "/api/v1/auth/login", json={"email": agent.email, "password": "wrong-wrong-1"}
    )
    events = (await client.get("/api/v1/audit", headers=owner.headers)).json()["items"]
    actions = [event["action"] for event in events]
    assert actions[:3] == ["login.failed", "api_key.created", "user.role_changed"]
    role_change = events[2]
    assert role_change["details"] == {"from": "agent", "to": "manager"}
    only_keys = (
        await client.get("/api/v1/audit?action=api_key.created", headers=owner.headers)
    ).json()
    assert [e["action"] for e in only_keys["items"]] == ["api_key.created"]


async def test_expired_invitation_is_refused(client: httpx.AsyncClient, actors: Actors) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from mia_common.db import unit_of_work
    from mia_gateway.models import Invitation

    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    invitation = (
        await client.post(
            "/api/v1/invitations",
            json={"email": "late@example.com", "role": "agent"},
            headers=owner.headers,
        )
    ).json()
    async with unit_of_work(actors.session_factory) as session:
        await session.execute(
            update(Invitation)
            .where(Invitation.email == "late@example.com")
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    response = await client.post(
        "/api/v1/invitations/accept",
        json={"token": invitation["token"], "password": "Strong-enough-pass-1"},
    )
    assert response.status_code == 410
    assert response.json()["code"] == "invitation_expired"
    pending = (await client.get("/api/v1/invitations", headers=owner.headers)).json()["items"]
    assert pending == [], "expired invitations are not listed as pending"


async def test_public_api_is_documented_at_api_docs(client: httpx.AsyncClient) -> None:
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
    assert "/api/openapi.json" in docs.text
    spec = (await client.get("/api/openapi.json")).json()
    for path in ("/api/v1/auth/login", "/api/v1/me", "/api/v1/users", "/api/v1/api-keys"):
        assert path in spec["paths"]

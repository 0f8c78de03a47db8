"""A tenant the platform creates: its owner's one-time link, and whose name its log shows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from mia_common.db import unit_of_work
from mia_common.identity import Role
from mia_gateway.config import GatewaySettings
from mia_gateway.models import AuditEvent
from support.actors import Actor, Actors
from support.platform import platform_admin

OWNER_PASSWORD = "Bright-harbour-lamp-4"


async def _create(client: httpx.AsyncClient, admin: Actor, **fields: str) -> httpx.Response:
    email = fields.pop("owner_email", f"dono-{uuid.uuid4().hex[:8]}@padaria.com.br")
    return await client.post(
        "/api/v1/admin/tenants",
        json={"name": "Padaria do Bairro", "owner_email": email, **fields},
        headers=admin.headers,
    )


def _bearer(tokens: httpx.Response) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


async def test_the_owner_of_a_new_tenant_gets_in_through_the_link_it_comes_with(
    client: httpx.AsyncClient, actors: Actors, gateway_settings: GatewaySettings
) -> None:
    admin = await platform_admin(actors)
    created = await _create(
        client, admin, owner_email="Dona.Rosa@Padaria.com.br", owner_name="Rosa"
    )
    assert created.status_code == 201, created.text
    tenant = created.json()
    link = tenant["owner_invitation"]
    assert link["email"] == "dona.rosa@padaria.com.br"
    assert link["role"] == "owner"
    assert link["accept_url"] == (
        f"{gateway_settings.public_url}/accept-invitation#token={link['token']}"
    )
    expires_at = datetime.fromisoformat(link["expires_at"])
    expected = datetime.now(UTC) + timedelta(hours=gateway_settings.invitation_hours)
    assert abs(expires_at - expected) < timedelta(minutes=1)
    # No password yet: nothing to log in with but the link.
    before = await client.post(
        "/api/v1/auth/login",
        json={"email": "dona.rosa@padaria.com.br", "password": OWNER_PASSWORD},
    )
    assert before.status_code == 401

    accepted = await client.post(
        "/api/v1/invitations/accept", json={"token": link["token"], "password": OWNER_PASSWORD}
    )

    assert accepted.status_code == 201, accepted.text
    me = (await client.get("/api/v1/me", headers=_bearer(accepted))).json()
    assert me["tenant"]["id"] == tenant["id"]
    assert me["role"] == "owner"
    assert me["user"]["name"] == "Rosa", "an empty name keeps the one the admin gave"
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "dona.rosa@padaria.com.br", "password": OWNER_PASSWORD},
    )
    assert login.status_code == 200, login.text
    me = (await client.get("/api/v1/me", headers=_bearer(login))).json()
    assert me["tenant"]["id"] == tenant["id"]
    again = await client.post(
        "/api/v1/invitations/accept",
        json={"token": link["token"], "password": "Another-harbour-lamp-5"},
    )
    assert again.status_code == 410
    assert again.json()["code"] == "invitation_used"
    users = (await client.get("/api/v1/users", headers=_bearer(login))).json()["items"]
    assert [user["email"] for user in users] == ["dona.rosa@padaria.com.br"], "one account"


async def test_the_new_tenants_log_shows_the_platform_and_the_platforms_log_the_admin(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    admin = await platform_admin(actors)
    created = (await _create(client, admin)).json()
    tenant_id = created["id"]
    suspended = await client.post(
        f"/api/v1/admin/tenants/{tenant_id}/suspend", headers=admin.headers
    )
    reactivated = await client.post(
        f"/api/v1/admin/tenants/{tenant_id}/reactivate", headers=admin.headers
    )
    assert suspended.status_code == reactivated.status_code == 200
    accepted = await client.post(
        "/api/v1/invitations/accept",
        json={"token": created["owner_invitation"]["token"], "password": OWNER_PASSWORD},
    )
    assert accepted.status_code == 201, accepted.text
    owner_id = (await client.get("/api/v1/me", headers=_bearer(accepted))).json()["user"]["id"]

    events = (await client.get("/api/v1/audit", headers=_bearer(accepted))).json()["items"]

    by_platform = [
        (event["action"], event["actor_id"])
        for event in events
        if event["actor_kind"] == "platform"
    ]
    assert by_platform == [
        ("tenant.reactivated", None),
        ("tenant.suspended", None),
        ("invitation.created", None),
        ("tenant.created", None),
    ]
    assert str(admin.user_id) not in str(events), "a stranger's id is nowhere in the log"
    accepted_event = events[0]
    assert accepted_event["action"] == "invitation.accepted"
    assert (accepted_event["actor_kind"], accepted_event["actor_id"]) == ("user", owner_id)
    # The platform's own log (no tenant) keeps who it was.
    async with unit_of_work(actors.session_factory) as session:
        platform_log = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.tenant_id.is_(None), AuditEvent.actor_id == admin.user_id)
                .order_by(AuditEvent.id)
            )
        ).all()
    assert [(event.action, event.details["tenant_id"]) for event in platform_log] == [
        ("tenant.created", tenant_id),
        ("invitation.created", tenant_id),
        ("tenant.suspended", tenant_id),
        ("tenant.reactivated", tenant_id),
    ]


async def test_an_owner_who_never_got_in_can_be_sent_a_new_link_which_replaces_the_old(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    admin = await platform_admin(actors)
    created = (await _create(client, admin)).json()
    url = f"/api/v1/admin/tenants/{created['id']}/owner-invitation"

    renewed = await client.post(url, headers=admin.headers)

    assert renewed.status_code == 201, renewed.text
    link = renewed.json()
    assert link["email"] == created["owner_invitation"]["email"]
    assert link["token"] != created["owner_invitation"]["token"]
    old = await client.post(
        "/api/v1/invitations/accept",
        json={"token": created["owner_invitation"]["token"], "password": OWNER_PASSWORD},
    )
    assert old.status_code == 410
    assert old.json()["code"] == "invitation_revoked"
    new = await client.post(
        "/api/v1/invitations/accept", json={"token": link["token"], "password": OWNER_PASSWORD}
    )
    assert new.status_code == 201
    # Once the owner is in, their access is theirs: no link sets their password any more.
    late = await client.post(url, headers=admin.headers)
    assert late.status_code == 409
    assert late.json()["code"] == "owner_active"


async def test_a_new_link_is_only_for_a_tenant_that_exists_and_only_the_platforms_to_make(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    admin = await platform_admin(actors)
    created = (await _create(client, admin)).json()
    stranger = (await actors.tenant((Role.owner,)))[Role.owner]

    nobody = await client.post(
        f"/api/v1/admin/tenants/{uuid.uuid4()}/owner-invitation", headers=admin.headers
    )
    not_theirs = await client.post(
        f"/api/v1/admin/tenants/{created['id']}/owner-invitation", headers=stranger.headers
    )

    assert nobody.status_code == 404
    assert not_theirs.status_code == 403
    assert not_theirs.json()["code"] == "platform_admin_required"
    still = await client.post(
        "/api/v1/invitations/accept",
        json={"token": created["owner_invitation"]["token"], "password": OWNER_PASSWORD},
    )
    assert still.status_code == 201, "the first link still works: nothing was issued"


async def test_a_teammate_cannot_be_invited_at_the_owners_address(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    admin = await platform_admin(actors)
    created = (await _create(client, admin)).json()
    accepted = await client.post(
        "/api/v1/invitations/accept",
        json={"token": created["owner_invitation"]["token"], "password": OWNER_PASSWORD},
    )
    elsewhere = (await actors.tenant((Role.owner,)))[Role.owner]

    for headers in (_bearer(accepted), elsewhere.headers):
        invited = await client.post(
            "/api/v1/invitations",
            json={"email": created["owner_invitation"]["email"], "role": "agent"},
            headers=headers,
        )
        assert invited.status_code == 409
        assert invited.json()["code"] == "email_taken"

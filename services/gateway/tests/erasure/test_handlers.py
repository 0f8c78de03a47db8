"""A customer's erasure in the gateway: one audit entry in the tenant's log, naming who
asked (user or API key) and never the person's addresses; other contact events ignored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import orjson
from fastapi import FastAPI

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased, ErasedMedia
from mia_common.identity import Role
from mia_common.messaging.erasure import ERASED_MEDIA_PER_PART, erasure_parts
from mia_common.testing import wait_until
from mia_gateway.erasure.handlers import handle_contact_record, record_erasure
from support.actors import Actors


def erasure(tenant_id: uuid.UUID, requested_by: uuid.UUID | None) -> Envelope[ContactErased]:
    return Envelope[ContactErased](
        type="contact.erased",
        source="/services/crm",
        tenantid=tenant_id,
        data=ContactErased(
            contact_id=uuid.uuid4(),
            phones=["+5511987654321"],
            channel_user_ids=["BR.123"],
            requested_by_user_id=requested_by,
            occurred_at=datetime.now(UTC),
        ),
    )


async def audit_of(client: httpx.AsyncClient, owner_headers: dict[str, str]) -> list[dict]:
    response = await client.get("/api/v1/audit?action=contact.erased", headers=owner_headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_an_erasure_is_audited_once_without_the_persons_addresses(
    gateway_app: FastAPI, client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner, Role.admin))
    admin = team[Role.admin]
    event = erasure(admin.tenant_id, admin.user_id)
    value = orjson.dumps(event.to_json_dict())

    await handle_contact_record(gateway_app.state.context.infra.sessions, value)
    await handle_contact_record(gateway_app.state.context.infra.sessions, value)  # redelivered

    [entry] = await audit_of(client, team[Role.owner].headers)
    assert entry["actor_id"] == str(admin.user_id)
    assert entry["actor_kind"] == "user"
    assert entry["target"] == f"contact:{event.data.contact_id}"
    assert entry["details"]["addresses"] == 2
    assert "+5511987654321" not in orjson.dumps(entry).decode()
    assert "BR.123" not in orjson.dumps(entry).decode()


async def test_an_erasure_an_api_key_asked_for_names_the_key(
    gateway_app: FastAPI, client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    created = await client.post("/api/v1/api-keys", json={"name": "erp"}, headers=owner.headers)
    assert created.status_code == 201, created.text
    key_id = uuid.UUID(created.json()["id"])

    recorded = await record_erasure(
        gateway_app.state.context.infra.sessions, erasure(owner.tenant_id, key_id)
    )

    assert recorded is True
    [entry] = await audit_of(client, owner.headers)
    assert entry["actor_kind"] == "api_key"
    assert entry["actor_id"] == str(key_id)


async def test_another_tenant_does_not_see_the_erasure(
    gateway_app: FastAPI, client: httpx.AsyncClient, actors: Actors
) -> None:
    ours = (await actors.tenant((Role.owner,)))[Role.owner]
    theirs = (await actors.tenant((Role.owner,)))[Role.owner]

    await record_erasure(gateway_app.state.context.infra.sessions, erasure(ours.tenant_id, None))

    assert await audit_of(client, theirs.headers) == []
    [entry] = await audit_of(client, ours.headers)
    assert entry["actor_kind"] == "platform"


async def test_an_erasure_on_the_contacts_topic_is_audited(
    gateway_app: FastAPI, client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    event = erasure(owner.tenant_id, owner.user_id)
    context = gateway_app.state.context

    await context.infra.broker.publish(
        event.to_json_dict(),
        context.settings.contacts_topic,
        key=str(event.data.contact_id).encode(),
    )

    async def audited() -> list[dict]:
        return await audit_of(client, owner.headers)

    [entry] = await wait_until(audited, timeout=30, message="the erasure is audited")
    assert entry["target"] == f"contact:{event.data.contact_id}"


async def test_an_erasure_split_in_several_records_is_audited_once(
    gateway_app: FastAPI, client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant((Role.owner, Role.admin))
    admin = team[Role.admin]
    account = uuid.uuid4()
    first = erasure(admin.tenant_id, admin.user_id)
    erased = first.data.model_copy(
        update={
            "media": [
                ErasedMedia(channel_account_id=account, media_id=f"{n:016d}")
                for n in range(ERASED_MEDIA_PER_PART * 2 + 1)
            ]
        }
    )
    parts = erasure_parts(erased)
    assert len(parts) == 3
    sessions = gateway_app.state.context.infra.sessions

    records = [
        orjson.dumps(
            Envelope[ContactErased](
                type="contact.erased", source="/services/crm", tenantid=admin.tenant_id, data=part
            ).to_json_dict()
        )
        for part in parts
    ]

    # Later parts first, then all again (redelivered): still one entry, of the erasure.
    for record in [*records[::-1], *records]:
        await handle_contact_record(sessions, record)

    [entry] = await audit_of(client, team[Role.owner].headers)
    assert entry["target"] == f"contact:{erased.contact_id}"
    assert entry["details"]["addresses"] == 2
    assert entry["details"]["records"] == 3

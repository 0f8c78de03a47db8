"""Inbound media: copied from the Graph API (the sandbox) into our storage and served, by
our own URL, to the tenant's users only."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from mia_common.contracts.topics import dead_letter_topic
from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token
from mia_common.testing import wait_until
from mia_common.testing.kafka import group_caught_up, read_up_to_marker
from mia_common.webhooks import HAS_MEDIA_HEADER
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.context import MetaIngestContext
from mia_meta_ingest.media.handlers import MEDIA_GROUP
from mia_meta_sandbox.testing import SandboxHandle
from support import payloads
from support.accounts import Account, publish_state, register_account
from support.delivery import for_account, records_for, signed

PICTURE = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # a JPEG's first bytes, then data


def _identity(tenant_id: uuid.UUID) -> dict[str, str]:
    token = issue_identity_token(
        Identity(tenant_id=tenant_id, user_id=uuid.uuid4(), role=Role.agent),
        secret=MetaIngestSettings().identity_token_secret,
    )
    return {IDENTITY_HEADER: token}


async def _media_in_sandbox(sandbox: SandboxHandle, account: Account) -> str:
    """A picture a customer sent: the sandbox holds it, like Meta, under a media id."""
    await sandbox.client.register_number(
        phone_number_id=account.phone_number_id,
        access_token=account.access_token,
        app_secret=account.app_secret,
        webhook_url="http://127.0.0.1:9/unused",
    )
    upload = httpx.AsyncClient(base_url=sandbox.url)
    async with upload:
        answer = await upload.post(
            f"/v23.0/{account.phone_number_id}/media",
            headers={"Authorization": f"Bearer {account.access_token}"},
            data={"messaging_product": "whatsapp", "type": "image/jpeg"},
            files={"file": ("photo.jpg", PICTURE, "image/jpeg")},
        )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


async def _deliver_image(
    client: httpx.AsyncClient, account: Account, media_id: str
) -> dict[str, Any]:
    message = payloads.image_message()
    message["image"]["id"] = media_id
    raw = for_account(payloads.inbound(message), account)
    answer = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )
    assert answer.status_code == 200
    return message


async def test_a_customer_picture_is_stored_and_served_by_our_own_url(
    client: httpx.AsyncClient,
    ingest_app: FastAPI,
    ingest_settings: MetaIngestSettings,
    sandbox: SandboxHandle,
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    media_id = await _media_in_sandbox(sandbox, account)

    message = await _deliver_image(client, account, media_id)

    [record] = await records_for(ingest_settings, ingest_settings.inbound_topic, message["id"], 1)
    assert record.header(HAS_MEDIA_HEADER) == "1"
    media = json.loads(record.value)["data"]["media"]
    assert media["url"] == f"/api/v1/media/{account.id}/{media_id}"
    stored = ingest_settings.media_dir / str(account.tenant_id) / str(account.id) / media_id
    await wait_until(stored.is_file, message="the picture copied by the media consumer")

    served = await client.get(media["url"], headers=_identity(account.tenant_id))
    assert served.status_code == 200
    assert served.content == PICTURE
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"].startswith("private")


async def test_media_is_fetched_on_demand_when_the_copy_is_not_there_yet(
    client: httpx.AsyncClient,
    ingest_app: FastAPI,
    ingest_settings: MetaIngestSettings,
    sandbox: SandboxHandle,
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    media_id = await _media_in_sandbox(sandbox, account)
    # No webhook: a reader asks first (the consumer is behind, say).
    served = await client.get(
        f"/api/v1/media/{account.id}/{media_id}", headers=_identity(account.tenant_id)
    )
    assert served.status_code == 200
    assert served.content == PICTURE


async def test_another_tenant_never_gets_the_media(
    client: httpx.AsyncClient,
    ingest_app: FastAPI,
    ingest_settings: MetaIngestSettings,
    sandbox: SandboxHandle,
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    media_id = await _media_in_sandbox(sandbox, account)
    url = f"/api/v1/media/{account.id}/{media_id}"

    stranger = await client.get(url, headers=_identity(uuid.uuid4()))
    anonymous = await client.get(url)

    assert stranger.status_code == 404
    assert stranger.headers["content-type"] == "application/problem+json"
    assert anonymous.status_code == 401


async def test_media_meta_no_longer_has_is_gone_with_a_clear_error(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    expired = await client.get(
        f"/api/v1/media/{account.id}/999999999999", headers=_identity(account.tenant_id)
    )
    assert expired.status_code == 404
    assert expired.headers["content-type"] == "application/problem+json"
    assert expired.json()["code"] == "media_gone"
    assert "Meta no longer has media 999999999999" in expired.json()["detail"]
    bad_id = await client.get(
        f"/api/v1/media/{account.id}/..%2F..%2Fetc", headers=_identity(account.tenant_id)
    )
    assert bad_id.status_code in (404, 422)


async def test_a_token_meta_refuses_answers_502_with_metas_own_message(
    client: httpx.AsyncClient,
    ingest_app: FastAPI,
    ingest_settings: MetaIngestSettings,
    sandbox: SandboxHandle,
) -> None:
    """Meta expired or revoked the token the account holds: a person must enter a new one."""
    account = await register_account(ingest_app, ingest_settings)
    media_id = await _media_in_sandbox(sandbox, account)
    await sandbox.client.register_number(  # Meta now wants another token for the number
        phone_number_id=account.phone_number_id,
        access_token=f"rotated-{uuid.uuid4().hex}",
        app_secret=account.app_secret,
        webhook_url="http://127.0.0.1:9/unused",
    )

    refused = await client.get(
        f"/api/v1/media/{account.id}/{media_id}", headers=_identity(account.tenant_id)
    )

    assert refused.status_code == 502
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "media_provider_refused"
    assert problem["meta_code"] == "190"
    assert "Invalid OAuth access token" in problem["detail"], "Meta's own words"
    assert "enter a new token" in problem["detail"]
    stored = ingest_settings.media_dir / str(account.tenant_id) / str(account.id) / media_id
    assert not stored.exists()


async def test_an_account_without_a_usable_access_token_says_so(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    context: MetaIngestContext = ingest_app.state.context
    known = context.accounts.get(account.id)
    assert known is not None
    newer = await publish_state(
        ingest_app,
        ingest_settings,
        account,
        updated_at=known.updated_at + timedelta(seconds=1),
        with_secrets=False,
    )
    await wait_until(
        lambda: (
            (found := context.accounts.get(account.id)) is not None
            and found.updated_at == newer.updated_at
        ),
        message="the state without secrets applied",
    )

    answer = await client.get(
        f"/api/v1/media/{account.id}/123456789", headers=_identity(account.tenant_id)
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "media_no_access_token"
    assert "enter its access token again" in answer.json()["detail"]


async def test_nul_in_the_media_id_is_refused_with_422_naming_the_field(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    answer = await client.get(
        f"/api/v1/media/{account.id}/12%0034", headers=_identity(account.tenant_id)
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["loc"] for error in answer.json()["errors"]] == [["path", "media_id"]]


async def test_inbound_records_marked_without_media_are_skipped_before_decoding(
    ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    """A record the edge marked "no media" is not even decoded: garbage behind that header
    is skipped, while the same garbage without it is dead-lettered as undecodable."""
    bootstrap = ingest_settings.kafka_bootstrap_servers
    topic = ingest_settings.inbound_topic
    marked, unmarked = (f"not-json-{uuid.uuid4().hex}".encode() for _ in range(2))
    broker = ingest_app.state.context.infra.broker
    await broker.publish(marked, topic, headers={HAS_MEDIA_HEADER: "0"})
    await broker.publish(unmarked, topic)

    await wait_until(
        lambda: group_caught_up(bootstrap, MEDIA_GROUP, topic),
        message="the media consumer past both records",
    )
    dead = {record.value for record in await read_up_to_marker(bootstrap, dead_letter_topic(topic))}
    assert unmarked in dead
    assert marked not in dead

"""meta-ingest's API against its own OpenAPI document (schemathesis, bounded).

As a tenant with a connected account and a media file stored for it, so generated
requests reach a real account and a real file, not only 404s. The webhook operations are
public to the checker (Meta calls them with no identity: they authenticate by signature
or verify token), so their refusal of unsigned calls is asserted on its own.
"""

from __future__ import annotations

import json
import uuid

import httpx
from fastapi import FastAPI

from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token
from mia_common.testing.api_contract import check_api_contract
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_sandbox.testing import SandboxHandle
from support import payloads
from support.accounts import register_account
from support.delivery import for_account

PICTURE = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8


async def test_the_api_answers_as_its_document_says(
    client: httpx.AsyncClient,
    ingest_app: FastAPI,
    ingest_settings: MetaIngestSettings,
    sandbox: SandboxHandle,
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    await sandbox.client.register_number(
        phone_number_id=account.phone_number_id,
        access_token=account.access_token,
        app_secret=account.app_secret,
        webhook_url="http://127.0.0.1:9/unused",
    )
    async with httpx.AsyncClient(base_url=sandbox.url) as upload:
        uploaded = await upload.post(
            f"/v23.0/{account.phone_number_id}/media",
            headers={"Authorization": f"Bearer {account.access_token}"},
            data={"messaging_product": "whatsapp", "type": "image/jpeg"},
            files={"file": ("photo.jpg", PICTURE, "image/jpeg")},
        )
    media_id = str(uploaded.json()["id"])
    token = issue_identity_token(
        Identity(tenant_id=account.tenant_id, user_id=uuid.uuid4(), role=Role.agent),
        secret=ingest_settings.identity_token_secret,
    )
    headers = {IDENTITY_HEADER: token}
    stored = await client.get(f"/api/v1/media/{account.id}/{media_id}", headers=headers)
    assert stored.status_code == 200, "the tenant's file is stored before the run"

    public = [
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /webhooks/meta",
        "POST /webhooks/meta",
    ]
    failures = await check_api_contract(
        client,
        headers=headers,
        known_ids={"account_id": str(account.id), "media_id": media_id},
        public=public,
        examples=8,
    )
    # The account alone: generated media ids reach the Graph API (the sandbox) through
    # the tenant's own account, where a refusal used to be a 500.
    failures += await check_api_contract(
        client,
        headers=headers,
        known_ids={"account_id": str(account.id)},
        public=public,
        skip=public,
        examples=8,
    )

    assert not failures, "\n".join(map(str, failures))


async def test_the_webhook_refuses_unsigned_and_unverified_calls(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    """Public to the contract checker, but never open: no signature, no delivery."""
    account = await register_account(ingest_app, ingest_settings)
    raw = for_account(payloads.inbound(payloads.text_message("unsigned")), account)

    unsigned = await client.post(
        "/webhooks/meta", content=raw, headers={"Content-Type": "application/json"}
    )
    empty = await client.post("/webhooks/meta")
    unverified = await client.get(
        "/webhooks/meta", params={"hub.mode": "subscribe", "hub.challenge": "42"}
    )

    assert unsigned.status_code == 401
    assert unsigned.json()["code"] == "bad_signature"
    assert 400 <= empty.status_code < 500
    assert unverified.status_code == 403
    assert json.loads(unverified.text)["code"] == "verify_token_mismatch"

"""Connecting a sandbox number to a tenant the way an admin does: through the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from mia_common.contracts import Channel, ChannelAccountState, ChannelAccountStatus, Envelope
from mia_common.contracts.channels import access_token_associated_data, app_secret_associated_data
from mia_common.contracts.topics import CHANNELS_STATE
from mia_common.crypto import KeyRing
from mia_common.testing import wait_until
from mia_meta_sandbox.client import SandboxClient
from support.kafka import publish_envelopes
from support.stack import Stack

__all__ = [
    "ConnectedNumber",
    "SandboxNumber",
    "connect_sandbox_number",
    "connect_through",
    "publish_sandbox_number",
    "wait_until_ingest_knows",
]


@dataclass(frozen=True)
class SandboxNumber:
    tenant_id: uuid.UUID
    account_id: uuid.UUID
    phone_number_id: str
    display_phone_number: str


async def connect_sandbox_number(
    stack: Stack,
    sandbox: SandboxClient,
    tenant_id: uuid.UUID,
    *,
    throughput_per_second: int = 80,
    messaging_tier: str = "unlimited",
) -> SandboxNumber:
    """Through the sender's own API, with a forwarded identity of the tenant."""
    display = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    async with httpx.AsyncClient(
        base_url=stack["sender"].url, headers=stack.identity_headers(tenant_id), trust_env=False
    ) as client:
        connected = await connect_through(
            client,
            stack,
            sandbox,
            display_name="e2e sandbox number",
            display_phone_number=display,
            throughput_per_second=throughput_per_second,
            messaging_tier=messaging_tier,
        )
    return SandboxNumber(
        tenant_id, uuid.UUID(connected.account["id"]), connected.phone_number_id, display
    )


@dataclass(frozen=True)
class ConnectedNumber:
    phone_number_id: str
    account: dict[str, Any]
    """the sender's answer to the creation"""
    access_token: str
    app_secret: str


async def connect_through(
    client: httpx.AsyncClient,
    stack: Stack,
    sandbox: SandboxClient,
    *,
    display_name: str = "Support line",
    display_phone_number: str = "+15550001111",
    throughput_per_second: int | None = None,
    messaging_tier: str | None = None,
) -> ConnectedNumber:
    """A new sandbox number, created as a channel account by ``client`` (the sender itself,
    or the gateway with a user's token, as the connections page does); returns once
    meta-ingest knows it. Throughput and tier are left to the sender's defaults unless given.
    """
    phone_number_id = str(uuid.uuid4().int)[:15]
    # One business account on both sides: the sender lists the number's templates by it.
    waba_id = str(uuid.uuid4().int)[:15]
    token, secret = f"token-{uuid.uuid4().hex}", f"secret-{uuid.uuid4().hex}"
    await sandbox.register_number(
        waba_id=waba_id,
        phone_number_id=phone_number_id,
        access_token=token,
        app_secret=secret,
        display_phone_number=display_phone_number,
        webhook_url=f"{stack['meta-ingest'].url}/webhooks/meta",
    )
    body: dict[str, Any] = {
        "channel": "whatsapp_cloud",
        "display_name": display_name,
        "phone_number": display_phone_number,
        "phone_number_id": phone_number_id,
        "waba_id": waba_id,
        "access_token": token,
        "app_secret": secret,
    }
    if throughput_per_second is not None:
        body["throughput_per_second"] = throughput_per_second
    if messaging_tier is not None:
        body["messaging_tier"] = messaging_tier
    created = await client.post("/api/v1/channels/accounts", json=body)
    assert created.status_code == 201, created.text
    await wait_until_ingest_knows(stack, phone_number_id)
    return ConnectedNumber(phone_number_id, created.json(), token, secret)


async def wait_until_ingest_knows(stack: Stack, phone_number_id: str, seconds: float = 30) -> None:
    """A badly signed delivery naming the number: 401 once meta-ingest knows it, 403 before."""
    probe = (
        '{"object":"whatsapp_business_account","entry":[{"id":"0","changes":[{"field":"messages",'
        f'"value":{{"metadata":{{"phone_number_id":"{phone_number_id}"}}}}}}]}}]}}'
    )
    async with httpx.AsyncClient(base_url=stack["meta-ingest"].url, trust_env=False) as client:

        async def knows() -> bool:
            answer = await client.post(
                "/webhooks/meta",
                content=probe,
                headers={"X-Hub-Signature-256": "sha256=00", "Content-Type": "application/json"},
            )
            return answer.status_code == 401

        await wait_until(
            knows, timeout=seconds, interval=0.2, message=f"meta-ingest knowing {phone_number_id}"
        )


async def publish_sandbox_number(stack: Stack, sandbox: SandboxClient, tenant_id: uuid.UUID) -> str:
    """A sandbox number connected without the sender: its state, secrets sealed, published on
    channels.state.v1 as the sender would (for stacks that only receive)."""
    account_id = uuid.uuid4()
    phone_number_id = str(uuid.uuid4().int)[:15]
    token, secret = f"token-{uuid.uuid4().hex}", f"secret-{uuid.uuid4().hex}"
    await sandbox.register_number(
        phone_number_id=phone_number_id,
        access_token=token,
        app_secret=secret,
        webhook_url=f"{stack['meta-ingest'].url}/webhooks/meta",
    )
    ring = KeyRing.from_settings(stack.settings)
    state = ChannelAccountState(
        channel_account_id=account_id,
        tenant_id=tenant_id,
        channel=Channel.WHATSAPP_CLOUD,
        status=ChannelAccountStatus.ACTIVE,
        phone_number="+15550001111",
        phone_number_id=phone_number_id,
        waba_id=str(uuid.uuid4().int)[:15],
        app_secret_sealed=ring.encrypt_text(
            secret, associated_data=app_secret_associated_data(account_id)
        ),
        access_token_sealed=ring.encrypt_text(
            token, associated_data=access_token_associated_data(account_id)
        ),
        updated_at=datetime.now(UTC),
    )
    envelope = Envelope[ChannelAccountState](
        type="channels.state.v1", source="/tests-e2e", tenantid=tenant_id, data=state
    )
    await publish_envelopes(
        stack.kafka.bootstrap, CHANNELS_STATE.name, [(str(account_id).encode(), envelope)]
    )
    await wait_until_ingest_knows(stack, phone_number_id)
    return phone_number_id

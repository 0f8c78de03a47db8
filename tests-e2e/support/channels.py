"""Connecting a sandbox number to a tenant the way an admin does: through the sender's API."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from mia_common.contracts import Channel, ChannelAccountState, ChannelAccountStatus, Envelope
from mia_common.contracts.channels import access_token_associated_data, app_secret_associated_data
from mia_common.contracts.topics import CHANNELS_STATE
from mia_common.crypto import KeyRing
from mia_meta_sandbox.client import SandboxClient
from support.kafka import publish_envelopes
from support.stack import Stack

__all__ = [
    "SandboxNumber",
    "connect_sandbox_number",
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
    phone_number_id = str(uuid.uuid4().int)[:15]
    display = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    token, secret = f"token-{uuid.uuid4().hex}", f"secret-{uuid.uuid4().hex}"
    await sandbox.register_number(
        phone_number_id=phone_number_id,
        access_token=token,
        app_secret=secret,
        display_phone_number=display,
        webhook_url=f"{stack['meta-ingest'].url}/webhooks/meta",
    )
    async with httpx.AsyncClient(base_url=stack["sender"].url, trust_env=False) as client:
        created = await client.post(
            "/api/v1/channels/accounts",
            headers=stack.identity_headers(tenant_id),
            json={
                "channel": "whatsapp_cloud",
                "display_name": "e2e sandbox number",
                "phone_number": display,
                "phone_number_id": phone_number_id,
                "waba_id": str(uuid.uuid4().int)[:15],
                "access_token": token,
                "app_secret": secret,
                "throughput_per_second": throughput_per_second,
                "messaging_tier": messaging_tier,
            },
        )
        assert created.status_code == 201, created.text
    number = SandboxNumber(tenant_id, uuid.UUID(created.json()["id"]), phone_number_id, display)
    await wait_until_ingest_knows(stack, phone_number_id)
    return number


async def wait_until_ingest_knows(stack: Stack, phone_number_id: str, seconds: float = 30) -> None:
    """A badly signed delivery naming the number: 401 once meta-ingest knows it, 403 before."""
    probe = (
        '{"object":"whatsapp_business_account","entry":[{"id":"0","changes":[{"field":"messages",'
        f'"value":{{"metadata":{{"phone_number_id":"{phone_number_id}"}}}}}}]}}]}}'
    )
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=stack["meta-ingest"].url, trust_env=False) as client:
        while time.monotonic() < deadline:
            answer = await client.post(
                "/webhooks/meta",
                content=probe,
                headers={"X-Hub-Signature-256": "sha256=00", "Content-Type": "application/json"},
            )
            if answer.status_code == 401:
                return
            await asyncio.sleep(0.2)
    raise AssertionError(f"meta-ingest did not learn number {phone_number_id} in {seconds} s")


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

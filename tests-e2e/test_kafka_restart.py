"""A Kafka restart in the middle of a burst of customer messages loses and doubles nothing.

meta-ingest answers Meta only once Kafka has the events, so while the broker is down the
sandbox gets errors and retries each webhook the way Meta does; once the broker is back,
every message reaches the inbox, and retries that did get through twice are deduplicated.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from mia_common.contracts import Channel, ChannelAccountState, ChannelAccountStatus, Envelope
from mia_common.contracts.channels import access_token_associated_data, app_secret_associated_data
from mia_common.contracts.topics import CHANNELS_STATE, MESSAGES_INBOUND
from mia_common.crypto import KeyRing
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from mia_meta_sandbox.client import SandboxClient
from support.channels import wait_until_ingest_knows
from support.inbox import all_messages
from support.kafka import group_caught_up, publish_envelopes
from support.stack import Stack, messaging_stack

CUSTOMERS = 20
MESSAGES_EACH = 8
CRM_INBOUND_GROUP = "crm.inbound"


async def _connect_number(stack: Stack, sandbox: SandboxClient, tenant_id: uuid.UUID) -> str:
    """As the sender would: the number's state, secrets sealed, on channels.state.v1."""
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


@pytest.mark.timeout(300)
async def test_every_customer_message_reaches_the_inbox_once_across_a_kafka_restart(
    platform_settings: PlatformSettings,
) -> None:
    services = ("meta-sandbox", "meta-ingest", "crm")
    async with messaging_stack(platform_settings, services) as stack:
        sandbox = SandboxClient(stack["meta-sandbox"].url)
        tenant = uuid.uuid4()
        phone_number_id = await _connect_number(stack, sandbox, tenant)
        texts = [
            f"message {m} from customer {c}" for c in range(CUSTOMERS) for m in range(MESSAGES_EACH)
        ]

        async def customer(index: int) -> None:
            for m in range(MESSAGES_EACH):
                await sandbox.customer_message(
                    phone_number_id=phone_number_id,
                    from_=f"+55219{index:08d}",
                    name=f"Customer {index}",
                    text=f"message {m} from customer {index}",
                )
                await asyncio.sleep(0.05)  # a burst, not a single instant

        burst = asyncio.gather(*(customer(c) for c in range(CUSTOMERS)))
        await asyncio.sleep(0.2)  # the burst is under way
        await stack.kafka.stop()
        await asyncio.sleep(3)  # webhooks keep coming while the broker is down
        await stack.kafka.start()
        await burst

        async with httpx.AsyncClient(
            base_url=stack["crm"].url, headers=stack.identity_headers(tenant), trust_env=False
        ) as crm:

            async def all_in_inbox() -> list[str]:
                found = [m["text"] for m in await all_messages(crm)]
                return found if len(found) >= len(texts) else []

            await wait_until(all_in_inbox, timeout=180, message="every message in the inbox")

            async def nothing_left_in_flight() -> bool:
                pending = await sandbox.webhooks(kind="message", state="pending")
                return not pending and await group_caught_up(
                    stack.kafka.bootstrap, CRM_INBOUND_GROUP, MESSAGES_INBOUND.name
                )

            # Every retry has landed and the crm has read all of it: a doubled message
            # would be in the inbox now.
            await wait_until(nothing_left_in_flight, timeout=60, message="retries settled")
            found = [m["text"] for m in await all_messages(crm)]
        assert sorted(found) == sorted(texts)
        refused = [d for d in await sandbox.webhooks(kind="message") if d.attempts > 1]
        assert refused, "no webhook was retried: the broker was not down during the burst"
        await sandbox.aclose()

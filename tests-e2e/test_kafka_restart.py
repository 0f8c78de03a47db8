"""A Kafka restart in the middle of a burst of customer messages loses and doubles nothing.

The broker stays down longer than the producers' request timeout: that is the outage
after which aiokafka's idempotent producer used to be broken for good (every publish
raising OutOfOrderSequenceNumber until the process was restarted), so ingest only
recovers here if a broken producer is replaced (``mia_common.messaging.producer_health``).

meta-ingest answers Meta only once Kafka has the events, so while the broker is down the
sandbox gets errors and retries each webhook the way Meta does; once the broker is back,
every message reaches the inbox, and retries that did get through twice are deduplicated.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from mia_common.contracts.topics import MESSAGES_INBOUND
from mia_common.settings import PlatformSettings
from mia_common.testing import group_caught_up, wait_until
from mia_meta_sandbox.client import SandboxClient
from mia_meta_sandbox.schemas import WebhookDeliveryOut
from support.channels import publish_sandbox_number
from support.inbox import all_messages
from support.stack import messaging_stack

CUSTOMERS = 20
MESSAGES_EACH = 8
CRM_INBOUND_GROUP = "crm.inbound"
# create_broker's request timeout, and a margin: queued batches have expired by then.
PRODUCER_REQUEST_TIMEOUT_SECONDS = 15.0
OUTAGE_SECONDS = PRODUCER_REQUEST_TIMEOUT_SECONDS + 3.0


@pytest.mark.timeout(300)
async def test_every_customer_message_reaches_the_inbox_once_across_a_kafka_restart(
    platform_settings: PlatformSettings,
) -> None:
    services = ("meta-sandbox", "meta-ingest", "crm")
    # A webhook meta-ingest holds longer than this counts as refused (Meta's own deadline is
    # a few seconds too), well within the time the broker takes to start again.
    # Retries back off as Meta's do, but to at most 4 s instead of 30: with the broker down
    # for most of a minute (the outage, then its start), a webhook's next retry came up to
    # 30 s after the broker was back, and the test waited for it.
    env = {
        "MIA_SANDBOX_WEBHOOK_TIMEOUT_SECONDS": "2",
        "MIA_SANDBOX_WEBHOOK_MAX_BACKOFF_SECONDS": "4",
    }
    async with messaging_stack(platform_settings, services, env) as stack:
        sandbox = SandboxClient(stack["meta-sandbox"].url)
        tenant = uuid.uuid4()
        phone_number_id = await publish_sandbox_number(stack, sandbox, tenant)
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

        async def burst_under_way() -> bool:
            return len(await sandbox.webhooks(kind="message")) >= CUSTOMERS

        await wait_until(burst_under_way, timeout=30, message="the burst under way")

        def refused(deliveries: list[WebhookDeliveryOut]) -> set[str]:
            return {d.id for d in deliveries if d.last_error or d.attempts > 1}

        refused_before = refused(await sandbox.webhooks(kind="message"))
        loop = asyncio.get_running_loop()
        await stack.kafka.stop()
        stopped_at = loop.time()

        async def long_outage_with_a_refusal() -> bool:
            # The outage's length is the condition under test, not a guess at a delay.
            if loop.time() - stopped_at < OUTAGE_SECONDS:
                return False
            return bool(refused(await sandbox.webhooks(kind="message")) - refused_before)

        # Meanwhile the webhooks that keep coming wait on a publish that cannot happen, and
        # the sandbox gives up on each after its timeout, as Meta does, and retries it.
        await wait_until(
            long_outage_with_a_refusal,
            timeout=OUTAGE_SECONDS + 60,
            interval=0.5,
            message="a webhook refused in an outage past the producers' timeout",
        )
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

"""The sender as a real process: SIGTERM stops it cleanly, SIGKILL loses and doubles
nothing (the state machine of docs/send-state-machine.md, end to end)."""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import signal
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from mia_common.contracts import Envelope, MessageStatus, SendRequest
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from mia_common.testing.kafka import TopicReader
from mia_meta_sandbox.schemas import SentMessageOut
from mia_meta_sandbox.testing import SandboxHandle
from support.process import Deployment, deployment
from support.world import identity_headers

SENDS = 50
THROUGHPUT = 10


async def connect_number(url: str, sandbox: SandboxHandle, tenant: uuid.UUID) -> tuple[str, str]:
    phone_number_id = str(random.randint(10**14, 10**15 - 1))
    token, secret = "EAAG" + secrets.token_urlsafe(16), secrets.token_hex(16)
    await sandbox.client.register_number(
        phone_number_id=phone_number_id, access_token=token, app_secret=secret
    )
    async with httpx.AsyncClient() as http:
        created = await http.post(
            f"{url}/api/v1/channels/accounts",
            json={
                "channel": "whatsapp_cloud",
                "phone_number": "+15550009999",
                "phone_number_id": phone_number_id,
                "waba_id": phone_number_id,
                "access_token": token,
                "app_secret": secret,
                "throughput_per_second": THROUGHPUT,
                "messaging_tier": "unlimited",
            },
            headers=identity_headers(tenant),
        )
    assert created.status_code == 201, created.text
    return str(created.json()["id"]), phone_number_id


async def publish_sends(
    platform: PlatformSettings, topic: str, account_id: str, tenant: uuid.UUID
) -> list[str]:
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers)
    await producer.start()
    request_ids = []
    try:
        for n in range(SENDS):
            request = SendRequest.model_validate(
                {
                    "request_id": uuid.uuid4(),
                    "channel": "whatsapp_cloud",
                    "channel_account_id": account_id,
                    "to": f"+5511{random.randint(10**8, 10**9 - 1)}",
                    "content": {"type": "template", "name": "promo", "language": "pt_BR"},
                    "origin": "campaign",
                    "origin_ref": f"run-{n}",
                }
            )
            envelope = Envelope[SendRequest](
                type="messages.send.v1", source="/tests", tenantid=tenant, data=request
            )
            await producer.send_and_wait(
                topic, json.dumps(envelope.to_json_dict()).encode(), key=account_id.encode()
            )
            request_ids.append(str(request.request_id))
    finally:
        await producer.stop()
    return request_ids


@asynccontextmanager
async def meta_ingest_stand_in(
    platform: PlatformSettings,
    sandbox: SandboxHandle,
    topic: str,
    *,
    phone_number_id: str,
    account_id: str,
    tenant: uuid.UUID,
) -> AsyncIterator[None]:
    """Publishes a 'sent' status for every message the sandbox accepted, as meta-ingest
    does from Meta's webhooks (echoing biz_opaque_callback_data as send_request_id)."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers)
    await producer.start()

    async def relay() -> None:
        seen: set[str] = set()

        async def accepted_since() -> list[SentMessageOut]:
            sent = await sandbox.client.sent(phone_number_id=phone_number_id)
            return [message for message in sent if message.wamid not in seen]

        while True:
            # The next messages the sandbox accepted, with a deadline far beyond the test's
            # own (the test ends this task long before it would fail).
            for sent in await wait_until(accepted_since, timeout=600, message="a new send"):
                seen.add(sent.wamid)
                status = MessageStatus(
                    channel="whatsapp_cloud",
                    channel_account_id=account_id,
                    external_message_id=sent.wamid,
                    recipient=f"+{sent.wa_id}",
                    status="sent",
                    occurred_at=datetime.now(UTC),
                    send_request_id=sent.biz_opaque_callback_data,
                )
                envelope = Envelope[MessageStatus](
                    type="messages.status.v1", source="/tests", tenantid=tenant, data=status
                )
                await producer.send_and_wait(
                    topic, json.dumps(envelope.to_json_dict()).encode(), key=sent.wamid.encode()
                )

    task = asyncio.create_task(relay())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await producer.stop()


async def states(made: Deployment) -> dict[str, int]:
    connection = await asyncpg.connect(made.database_url.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch("SELECT state, count(*) AS n FROM sends GROUP BY state")
    finally:
        await connection.close()
    return {row["state"]: row["n"] for row in rows}


async def until_sandbox_accepted(sandbox: SandboxHandle, phone_number_id: str, count: int) -> None:
    async def enough() -> bool:
        return len(await sandbox.client.sent(phone_number_id=phone_number_id)) >= count

    await wait_until(enough, timeout=30, message=f"{count} sends accepted by the sandbox")


async def test_sigterm_puts_back_what_was_not_called_and_a_restart_sends_each_once(
    platform_settings: PlatformSettings, sandbox: SandboxHandle
) -> None:
    async with deployment(platform_settings, sandbox.url) as made:
        url = await made.start()
        tenant = uuid.uuid4()
        account_id, phone_number_id = await connect_number(url, sandbox, tenant)
        async with TopicReader(
            platform_settings.kafka_bootstrap_servers, made.topics["outcome"]
        ) as outcomes:
            await publish_sends(platform_settings, made.topics["send"], account_id, tenant)
            await until_sandbox_accepted(sandbox, phone_number_id, 10)

            stopped = made.signal(signal.SIGTERM)
            code = await asyncio.to_thread(stopped.wait, 30)

            # uvicorn shuts down gracefully, then re-raises the signal it caught.
            assert code in (0, -signal.SIGTERM)
            left = await states(made)
            assert left.get("sending", 0) == 0, left  # nothing left in doubt
            assert left.get("unknown", 0) == 0, left
            await made.start()
            await outcomes.wait_for(lambda r: True, count=SENDS, timeout=60)
            assert len(outcomes.records) == SENDS

        stats = await sandbox.client.number_stats(phone_number_id)
        assert stats.accepted == SENDS
        assert stats.duplicate_callback_sends == 0
        assert stats.max_per_second <= THROUGHPUT


async def test_after_sigkill_a_new_process_takes_over_and_nothing_is_sent_twice(
    platform_settings: PlatformSettings, sandbox: SandboxHandle
) -> None:
    async with deployment(platform_settings, sandbox.url) as made:
        url = await made.start()
        tenant = uuid.uuid4()
        account_id, phone_number_id = await connect_number(url, sandbox, tenant)
        async with (
            TopicReader(
                platform_settings.kafka_bootstrap_servers, made.topics["outcome"]
            ) as outcomes,
            meta_ingest_stand_in(
                platform_settings,
                sandbox,
                made.topics["status"],
                phone_number_id=phone_number_id,
                account_id=account_id,
                tenant=tenant,
            ),
        ):
            request_ids = await publish_sends(
                platform_settings, made.topics["send"], account_id, tenant
            )
            await until_sandbox_accepted(sandbox, phone_number_id, 10)

            made.signal(signal.SIGKILL).wait(10)
            await made.start()

            async def every_request_has_an_outcome() -> bool:
                return {r.data["request_id"] for r in outcomes.records} == set(request_ids)

            await wait_until(
                every_request_has_an_outcome, timeout=90, message="an outcome per request"
            )
            records = list(outcomes.records)

        assert {r.data["result"] for r in records} == {"accepted"}
        # The outbox is at-least-once: a row published just before the SIGKILL, and not yet
        # marked, goes out again after the restart. It must be the same event (same id), so
        # consumers, which deduplicate by event id, count it once.
        event_ids: dict[str, set[str]] = {}
        for record in records:
            event_ids.setdefault(record.data["request_id"], set()).add(record.envelope["id"])
        assert all(len(ids) == 1 for ids in event_ids.values()), event_ids
        # What the customer sees: each message sent exactly once.
        stats = await sandbox.client.number_stats(phone_number_id)
        assert stats.accepted == SENDS
        assert stats.duplicate_callback_sends == 0

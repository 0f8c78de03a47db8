"""The campaign fan-out bench's ceilings: the same messages' minimal round trip on the same
servers, with no campaign, no ledger and no sender around them.

- ``sandbox_round_trip`` (the real path): send requests published to Kafka as campaigns'
  relay publishes them (batched, acks=all), read back by a consumer in this process that
  makes each one's Graph call to the Meta sandbox (at most ``window`` open at once) and
  publishes its outcome (acks=all), whose consumer counts them. Kafka twice and the
  sandbox's HTTP: what the sender adds beyond that is its database, Redis and pacing.
- ``stand_in_round_trip``: the requests published to the stand-in sender and its outcomes
  read back: the transport alone, campaigns' own cost being the rest.

Both are one Python process (this bench's event loop): on a busy machine they too wait for
a core, which is why the fan-out's rate is printed as a share of them.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import aiohttp
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from mia_common.contracts import Channel, Envelope, SendOrigin, SendRequest, TemplateContent
from mia_common.contracts.messages import ORIGIN_HEADER
from mia_common.contracts.topics import Topic
from mia_common.messaging.admin import ensure_topics

__all__ = ["sandbox_round_trip", "stand_in_round_trip"]

DEADLINE_SECONDS = 1800.0
ATTEMPTS = 3


async def graph_call(
    http: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    """The Graph call's status and answer; a keep-alive connection the sandbox closed as it
    was reused is tried again (as the sender's provider client does), any other failure
    or the last attempt's is a failed outcome (0), so every request gets one."""
    for attempt in range(ATTEMPTS):
        try:
            async with http.post(url, data=body, headers=headers) as answer:
                return answer.status, orjson.loads(await answer.read())
        except aiohttp.ServerDisconnectedError:
            if attempt == ATTEMPTS - 1:
                return 0, {}
        except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError):
            return 0, {}
    return 0, {}


def _request(account_id: uuid.UUID, tenant_id: uuid.UUID, index: int, prefix: str) -> bytes:
    request = SendRequest(
        request_id=uuid.uuid4(),
        channel=Channel.WHATSAPP_CLOUD,
        channel_account_id=account_id,
        to=f"{prefix}{index:08d}",
        content=TemplateContent(name="order_update", language="pt_BR"),
        origin=SendOrigin.CAMPAIGN,
    )
    envelope = Envelope[SendRequest](
        type="messages.send.v1", source="/bench", tenantid=tenant_id, data=request
    )
    return envelope.model_dump_json().encode()


async def _assigned_consumer(
    bootstrap: str, topic: str, producer: AIOKafkaProducer
) -> AIOKafkaConsumer:
    """A consumer of every partition of ``topic``, positioned at its end."""
    partitions = await producer.partitions_for(topic)
    assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    consumer.assign(assigned)
    await consumer.start()
    await consumer.seek_to_end(*assigned)
    for partition in assigned:
        await consumer.position(partition)
    return consumer


async def _publish(
    producer: AIOKafkaProducer, topic: str, account_id: uuid.UUID, count: int, prefix: str
) -> None:
    tenant_id = uuid.uuid4()
    key = str(account_id).encode()
    futures = [
        await producer.send(topic, _request(account_id, tenant_id, i, prefix), key=key)
        for i in range(count)
    ]
    await asyncio.gather(*futures)


async def stand_in_round_trip(
    bootstrap: str, *, send_topic: str, outcome_topic: str, count: int
) -> float:
    """Messages a second: ``count`` requests to the stand-in sender, their outcomes back."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    consumer = await _assigned_consumer(bootstrap, outcome_topic, producer)
    try:
        started = time.perf_counter()
        await _publish(producer, send_topic, uuid.uuid4(), count, "+55319")
        seen = 0
        while seen < count:
            batch = await consumer.getmany(timeout_ms=200)
            seen += sum(len(records) for records in batch.values())
        return count / (time.perf_counter() - started)
    finally:
        await consumer.stop()
        await producer.stop()


async def sandbox_round_trip(
    bootstrap: str,
    *,
    sandbox_url: str,
    graph_version: str,
    phone_number_id: str,
    access_token: str,
    count: int,
    window: int,
) -> float:
    """Messages a second: ``count`` requests through Kafka, each one's Graph call to the
    sandbox (``window`` open at most), its outcome through Kafka and read back."""
    run = uuid.uuid4().hex[:8]
    requests_topic = Topic(f"bench.ceiling.{run}.requests", 3, key="x")
    outcomes_topic = Topic(f"bench.ceiling.{run}.outcomes", 3, key="x")
    await ensure_topics(bootstrap, [requests_topic, outcomes_topic])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    requests = await _assigned_consumer(bootstrap, requests_topic.name, producer)
    outcomes = await _assigned_consumer(bootstrap, outcomes_topic.name, producer)
    url = f"{sandbox_url}/{graph_version}/{phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"}
    open_calls = asyncio.Semaphore(window)
    connector = aiohttp.TCPConnector(limit=window, limit_per_host=0)
    calls: set[asyncio.Task[None]] = set()
    published: list[asyncio.Future[object]] = []
    try:
        async with aiohttp.ClientSession(connector=connector) as http:

            async def call(value: bytes) -> None:
                try:
                    envelope = orjson.loads(value)
                    data = envelope["data"]
                    body = {
                        "messaging_product": "whatsapp",
                        "recipient_type": "individual",
                        "to": data["to"].lstrip("+"),
                        "type": "template",
                        "template": {"name": "order_update", "language": {"code": "pt_BR"}},
                        "biz_opaque_callback_data": data["request_id"],
                    }
                    status, result = await graph_call(http, url, orjson.dumps(body), headers)
                    outcome = {
                        "type": "messages.outcome.v1",
                        "tenantid": envelope["tenantid"],
                        "data": {
                            "request_id": data["request_id"],
                            "result": "accepted" if status == 200 else "failed",
                            "external_message_id": (result.get("messages") or [{}])[0].get("id"),
                        },
                    }
                    published.append(
                        await producer.send(
                            outcomes_topic.name,
                            orjson.dumps(outcome),
                            key=data["channel_account_id"].encode(),
                            headers=[(ORIGIN_HEADER, b"campaign")],
                        )
                    )
                finally:
                    open_calls.release()

            async def relay() -> None:
                while True:
                    batch = await requests.getmany(timeout_ms=100)
                    for records in batch.values():
                        for record in records:
                            await open_calls.acquire()
                            task = asyncio.create_task(call(record.value))
                            calls.add(task)
                            task.add_done_callback(calls.discard)

            relaying = asyncio.create_task(relay())
            try:
                started = time.perf_counter()
                await _publish(producer, requests_topic.name, uuid.uuid4(), count, "+55419")
                seen = 0
                deadline = time.monotonic() + DEADLINE_SECONDS
                while seen < count:
                    if time.monotonic() > deadline:
                        raise AssertionError(f"ceiling: {seen} of {count} outcomes back")
                    batch = await outcomes.getmany(timeout_ms=200)
                    seen += sum(len(records) for records in batch.values())
                took = time.perf_counter() - started
            finally:
                relaying.cancel()
                await asyncio.gather(relaying, return_exceptions=True)
                await asyncio.gather(*calls, return_exceptions=True)
        await asyncio.gather(*published, return_exceptions=True)
        return count / took
    finally:
        await requests.stop()
        await outcomes.stop()
        await producer.stop()

"""A customer's question until the persona's answer is handed to the sender, p50/p95/p99.

usage: .venv/bin/python bench/ai_reply.py [--messages 300] [--rate 5] [--quick]

Target (issue 14): p95 < 200 ms for inbound message -> bot reply on ``messages.send.v1``,
excluding the model's own time and the humanized delay: the persona answers extractively
(no model: retrieval and the embedded e5-small query embedding are included), with a
debounce and delays of 0.

Needs the local PostgreSQL and Redis (`deploy/local/infra.sh up`) and Java (the stack runs
a throw-away Kafka broker). Starts the Meta sandbox, meta-ingest, the crm and the ai-agent
as real uvicorn processes, as the end-to-end tests do (``tests-e2e/support``), connects a
sandbox number to a new tenant, gives it a knowledge base (the store FAQ of the ai-agent's
tests, 20 pairs) and a persona on the number.

Then N questions (--messages; --quick: 60) at R per second (--rate), each from a new
customer (so every one is a turn of its own, no history), paraphrases of the FAQ's
questions. t0 is taken just before the sandbox's control API call (the sandbox signs and
posts the webhook Meta would); t1 when this bench's consumer of ``messages.send.v1`` reads
the send request of origin ``ai`` addressed to that customer. The path: meta-ingest ->
Kafka -> crm (stores, inbox event through its outbox) -> Kafka -> ai-agent (transcript,
turn due, turn loop: embeds the question, hybrid retrieval, decision, run, scheduled reply;
delivery loop: ai.reply through its outbox) -> Kafka -> crm (records the bot's message,
send request through its outbox) -> Kafka.

Ceiling, in the same run on the same broker: a minimal program doing only the irreducible
hops of that path: a record produced and relayed by three minimal aiokafka consumers
(ingest -> crm -> ai -> crm -> sender: four produce/consume hops), acks=all as the services
publish. The ratio is the ceiling's p95 over ours.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests-e2e"))

from mia_common.contracts.topics import MESSAGES_SEND, Topic  # noqa: E402
from mia_common.messaging.admin import ensure_topics  # noqa: E402
from mia_common.settings import PlatformSettings  # noqa: E402
from mia_meta_sandbox.client import SandboxClient  # noqa: E402
from support.channels import publish_sandbox_number  # noqa: E402
from support.stack import Stack, messaging_stack  # noqa: E402

# The ai-agent tests' store FAQ (its own ``support`` package would shadow tests-e2e's).
_spec = importlib.util.spec_from_file_location(
    "store_faq", ROOT / "services" / "ai-agent" / "tests" / "support" / "store_faq.py"
)
assert _spec is not None
assert _spec.loader is not None
store_faq = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(store_faq)
FAQ, QUESTIONS_EN, QUESTIONS_PT = store_faq.FAQ, store_faq.QUESTIONS_EN, store_faq.QUESTIONS_PT

STACK = ("meta-sandbox", "meta-ingest", "crm", "ai-agent")
TARGET_P95_MS = 200.0
DEADLINE_SECONDS = 60.0


def percentile(ordered: list[float], pct: float) -> float:
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def figures(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"p50 {percentile(ordered, 50):6.1f}  p95 {percentile(ordered, 95):6.1f}"
        f"  p99 {percentile(ordered, 99):6.1f}  max {ordered[-1]:6.1f} ms"
    )


class SendWatcher:
    """Reads messages.send.v1 from its end; the moment each ai send request arrives, by its
    recipient."""

    def __init__(self, bootstrap: str) -> None:
        self.arrived: dict[str, float] = {}
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        # The stack creates the registry's topics with their partitions.
        assigned = [TopicPartition(MESSAGES_SEND.name, p) for p in range(MESSAGES_SEND.partitions)]
        self._consumer.assign(assigned)
        await self._consumer.seek_to_end(*assigned)
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for record in self._consumer:
            data = orjson.loads(record.value)["data"]
            if data.get("origin") == "ai" and data.get("to"):
                self.arrived.setdefault(data["to"], time.perf_counter())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await self._consumer.stop()


async def ceiling(bootstrap: str, count: int) -> list[float]:
    """Four produce/consume hops through three relays, one record at a time."""
    run = uuid.uuid4().hex[:6]
    topics = [f"bench.ceiling.{run}.{n}" for n in range(5)]
    # The broker never auto-creates topics (as in production).
    await ensure_topics(bootstrap, [Topic(name, 1, key="k") for name in topics])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await producer.start()
    consumers = [
        AIOKafkaConsumer(
            t, bootstrap_servers=bootstrap, group_id=f"c-{run}-{n}", auto_offset_reset="earliest"
        )
        for n, t in enumerate(topics[:4])
    ]
    for c in consumers:
        await c.start()
    finals = consumers[-1]
    relays = []

    async def relay(consumer: AIOKafkaConsumer, out: str) -> None:
        async for record in consumer:
            await producer.send_and_wait(out, record.value, key=record.key)

    for n in range(3):
        relays.append(asyncio.create_task(relay(consumers[n], topics[n + 1])))
    latencies = []
    try:
        for i in range(count + 10):
            t0 = time.perf_counter()
            await producer.send_and_wait(topics[0], str(i).encode(), key=b"k")
            await finals.getone()
            if i >= 10:  # warm-up
                latencies.append((time.perf_counter() - t0) * 1000)
    finally:
        for task in relays:
            task.cancel()
        for c in consumers:
            await c.stop()
        await producer.stop()
    return latencies


async def measure(stack: Stack, args: argparse.Namespace) -> None:
    tenant = uuid.uuid4()
    headers = stack.identity_headers(tenant)
    sandbox_client = SandboxClient(stack["meta-sandbox"].url)
    phone_number_id = await publish_sandbox_number(stack, sandbox_client, tenant)
    async with (
        aiohttp.ClientSession(base_url=stack["ai-agent"].url, headers=headers) as ai,
        aiohttp.ClientSession(base_url=stack["crm"].url, headers=headers) as crm,
        aiohttp.ClientSession(base_url=stack["meta-sandbox"].url) as sandbox,
    ):
        # Warm-up: a first message makes the crm's conversation, which names the account.
        await write(sandbox, phone_number_id, "+5521900000000", "olá")
        account_id = await wait_for_account(crm)
        base_id = await indexed_base(ai)
        async with ai.post(
            "/api/v1/ai/personas",
            json={
                "name": "Sofia",
                "channel_account_ids": [account_id],
                "knowledge_base_ids": [base_id],
                "debounce_seconds": 0,
                "min_delay_seconds": 0,
                "max_delay_seconds": 0,
                "answer_threshold": 0.5,
            },
        ) as made:
            assert made.status == 201, await made.text()
        questions = [q for q, _ in QUESTIONS_PT + QUESTIONS_EN]
        watcher = SendWatcher(stack.kafka.bootstrap)
        await watcher.start()
        try:
            # Warm-up answers (the consumers own their partitions, the model is loaded).
            for n in range(5):
                await write(sandbox, phone_number_id, f"+552190000{n:04d}", questions[n])
            await wait_all(watcher, [f"+552190000{n:04d}" for n in range(5)])
            sends: dict[str, float] = {}
            started = time.perf_counter()
            tasks = []
            for i in range(args.messages):
                delay = started + i / args.rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                phone = f"+552191{i:07d}"
                sends[phone] = time.perf_counter()
                tasks.append(
                    asyncio.create_task(
                        write(sandbox, phone_number_id, phone, questions[i % len(questions)])
                    )
                )
            await asyncio.gather(*tasks)
            await wait_all(watcher, list(sends), allow_missing=True)
        finally:
            await watcher.stop()
    await sandbox_client.aclose()
    latencies = [
        (watcher.arrived[p] - t0) * 1000 for p, t0 in sends.items() if p in watcher.arrived
    ]
    missing = len(sends) - len(latencies)
    print(f"ai reply latency, {len(latencies)} answers at {args.rate:g}/s (extractive, no delays)")
    print(f"  inbound -> ai send request   {figures(latencies)}")
    print(f"  never answered               {missing}")
    await breakdown(stack.kafka.bootstrap, set(sends))
    decided = await decision_times(stack)
    if decided:
        print(f"  of which deciding (a run)    {figures(decided)}")
    top = await ceiling(stack.kafka.bootstrap, min(200, max(50, args.messages)))
    print(f"  ceiling (4 Kafka hops)       {figures(top)}")
    ours = percentile(sorted(latencies), 95)
    theirs = percentile(sorted(top), 95)
    print(f"  ratio (ceiling p95 / ours)   {theirs / ours:.2f}")
    verdict = "met" if ours < TARGET_P95_MS and missing == 0 else "NOT met"
    print(f"  target p95 < {TARGET_P95_MS:.0f} ms: {verdict} ({ours:.1f} ms)")


async def all_records(bootstrap: str, topic: str) -> list[tuple[float, dict[str, Any]]]:
    """Every record of ``topic`` (its broker timestamp in seconds, its JSON)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or set())
        ]
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = [
                TopicPartition(topic, p)
                for p in sorted(consumer.partitions_for_topic(topic) or set())
            ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[tuple[float, dict[str, Any]]] = []
        while True:
            positions = [await consumer.position(tp) for tp in partitions]
            if all(at >= ends[tp] for at, tp in zip(positions, partitions, strict=True)):
                break
            batch = await consumer.getmany(timeout_ms=1000)
            for items in batch.values():
                records.extend((r.timestamp / 1000, orjson.loads(r.value)) for r in items)
        return records
    finally:
        await consumer.stop()


async def breakdown(bootstrap: str, phones: set[str]) -> None:
    """Where the time went, from the records' own broker timestamps: ingest's publish of the
    customer's message, the crm's inbox event, the ai-agent's reply, the crm's send request."""
    inbound_records = await all_records(bootstrap, "messages.inbound.v1")
    inbound = {d["data"]["from_address"]: t for t, d in inbound_records}
    send_records = await all_records(bootstrap, "messages.send.v1")
    sends = {
        d["data"]["to"]: (t, d["subject"])
        for t, d in send_records
        if d["data"].get("origin") == "ai"
    }
    inbox: dict[str, float] = {}
    for t, d in await all_records(bootstrap, "inbox.events.v1"):
        message = d["data"].get("message") or {}
        if message.get("author") == "customer":
            inbox.setdefault(d["data"]["conversation_id"], t)
    replies: dict[str, float] = {}
    for t, d in await all_records(bootstrap, "ai.events.v1"):
        if d["data"].get("type") == "ai.reply":
            replies.setdefault(d["data"]["conversation_id"], t)
    legs: dict[str, list[float]] = {
        "crm: inbound -> inbox event": [],
        "ai-agent: inbox event -> ai.reply": [],
        "crm: ai.reply -> send request": [],
    }
    for phone in phones:
        if phone not in inbound or phone not in sends:
            continue
        sent_at, conversation = sends[phone]
        if conversation not in inbox or conversation not in replies:
            continue
        legs["crm: inbound -> inbox event"].append((inbox[conversation] - inbound[phone]) * 1000)
        legs["ai-agent: inbox event -> ai.reply"].append(
            (replies[conversation] - inbox[conversation]) * 1000
        )
        legs["crm: ai.reply -> send request"].append((sent_at - replies[conversation]) * 1000)
    for name, values in legs.items():
        if values:
            print(f"  {name:<35}{figures(values)}")


async def decision_times(stack: Stack) -> list[float]:
    """Each run's own time (embedding the question, retrieval, the decision), as recorded."""
    url = stack["ai-agent"].env["MIA_DATABASE_URL_OVERRIDE"].replace("+asyncpg", "")
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT elapsed_ms FROM ai_runs WHERE purpose = 'turn'")
    finally:
        await connection.close()
    return [float(row["elapsed_ms"]) for row in rows]


async def write(
    sandbox: aiohttp.ClientSession, phone_number_id: str, phone: str, text: str
) -> None:
    body = {
        "type": "text",
        "from": phone,
        "name": "Cliente",
        "text": text,
        "phone_number_id": phone_number_id,
        "await_delivery": False,
    }
    async with sandbox.post("/sandbox/customers/messages", json=body) as answer:
        answer.raise_for_status()


async def wait_for_account(crm: aiohttp.ClientSession) -> str:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        async with crm.get("/api/v1/inbox/conversations") as page:
            items = (await page.json())["items"]
        if items:
            return str(items[0]["channel_account_id"])
        await asyncio.sleep(0.2)
    raise SystemExit("the warm-up message never reached the crm")


async def indexed_base(ai: aiohttp.ClientSession) -> str:
    async with ai.post("/api/v1/ai/knowledge-bases", json={"name": "Loja"}) as made:
        base_id = (await made.json())["id"]
    pairs = [{"question": q, "answer": a} for q, a in FAQ]
    async with ai.post(
        f"/api/v1/ai/knowledge-bases/{base_id}/faq", json={"title": "FAQ", "pairs": pairs}
    ) as added:
        document_id = (await added.json())["id"]
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        async with ai.get(f"/api/v1/ai/knowledge-bases/{base_id}/documents/{document_id}") as doc:
            if (await doc.json())["status"] == "ready":
                return str(base_id)
        await asyncio.sleep(0.2)
    raise SystemExit("the FAQ was never indexed")


async def wait_all(watcher: SendWatcher, phones: list[str], *, allow_missing: bool = False) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if all(p in watcher.arrived for p in phones):
            return
        await asyncio.sleep(0.05)
    if not allow_missing:
        raise SystemExit("the warm-up questions were never answered")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rate", type=float, default=5.0, help="questions per second")
    parser.add_argument("--quick", action="store_true", help="60 questions")
    args = parser.parse_args()
    if args.quick:
        args.messages = 60
    async with messaging_stack(PlatformSettings(), STACK) as stack:
        try:
            await measure(stack, args)
        finally:
            print(f"  logs                         .local/e2e-logs/*-{stack.run_id}.log")


if __name__ == "__main__":
    asyncio.run(main())

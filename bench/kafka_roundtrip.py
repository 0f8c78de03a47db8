"""Publish → consume through mia_common's broker on the local Kafka: throughput and latency.

usage: .venv/bin/python bench/kafka_roundtrip.py [--messages 20000] [--payload 512]
Needs the local Kafka (`deploy/local/infra.sh up`). Creates a throw-away topic and prints
messages/s and p50/p99/max publish→handler latency for two modes: batched publishing
(``publish_many``, as the outbox relay does) and one awaited publish at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

from mia_common.contracts.topics import Topic
from mia_common.messaging import OutgoingRecord, create_broker, publish_many, subscriber_options
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.settings import PlatformSettings


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


async def run_mode(settings: PlatformSettings, *, batched: bool, count: int, payload: int) -> None:
    topic = Topic(f"bench.roundtrip.{uuid.uuid4().hex[:8]}.v1", 6, key="bench")
    await ensure_topics(settings.kafka_bootstrap_servers, [topic])
    broker = create_broker(settings, client_id="bench")
    latencies: list[float] = []
    done = asyncio.Event()

    @broker.subscriber(topic.name, **subscriber_options(f"bench-{uuid.uuid4().hex[:8]}"))
    async def on_message(body: dict[str, object]) -> None:
        latencies.append(time.perf_counter() - float(body["sent"]))  # type: ignore[arg-type]
        if len(latencies) >= count:
            done.set()

    await broker.start()
    filler = "x" * payload
    started = time.perf_counter()
    if batched:
        chunk = 1000
        for offset in range(0, count, chunk):
            now = time.perf_counter()
            await publish_many(
                broker,
                [
                    OutgoingRecord(
                        topic.name,
                        {"n": i, "sent": now, "filler": filler},
                        key=str(i % 64).encode(),
                    )
                    for i in range(offset, min(count, offset + chunk))
                ],
            )
    else:
        for i in range(count):
            await broker.publish(
                {"n": i, "sent": time.perf_counter(), "filler": filler},
                topic.name,
                key=str(i % 64).encode(),
            )
    published = time.perf_counter()
    await asyncio.wait_for(done.wait(), timeout=300)
    finished = time.perf_counter()
    await broker.stop()
    await delete_topics(settings.kafka_bootstrap_servers, [topic.name, topic.dead_letter])

    ms = [value * 1000 for value in latencies]
    mode = "batched publish_many" if batched else "one awaited publish at a time"
    print(f"{mode}: {count} messages of ~{payload} B, 6 partitions, acks=all, idempotent")
    print(f"  publish rate      {count / (published - started):10.0f} msg/s")
    print(f"  end-to-end rate   {count / (finished - started):10.0f} msg/s (publish→handled)")
    print(
        f"  latency ms        p50 {percentile(ms, 50):.1f}  p99 {percentile(ms, 99):.1f}"
        f"  max {max(ms):.1f}  mean {statistics.fmean(ms):.1f}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--payload", type=int, default=512)
    args = parser.parse_args()
    settings = PlatformSettings()
    await run_mode(settings, batched=True, count=args.messages, payload=args.payload)
    await run_mode(settings, batched=False, count=min(args.messages, 5_000), payload=args.payload)


if __name__ == "__main__":
    asyncio.run(main())

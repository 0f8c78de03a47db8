"""publish_many on the real broker: what lands on the topics, and what the metrics count."""

from __future__ import annotations

import json
from typing import Any

from prometheus_client import CollectorRegistry

from mia_common.messaging import OutgoingRecord, create_broker, publish_many, stop_broker
from mia_common.settings import PlatformSettings
from mia_common.testing import read_up_to_marker


def published(registry: CollectorRegistry, topic: str, status: str) -> float:
    value = registry.get_sample_value(
        "mia_published_messages_total",
        {"app_name": "publish-test", "broker": "kafka", "destination": topic, "status": status},
    )
    return value or 0.0


async def test_records_land_in_order_with_their_keys_headers_and_a_json_content_type(
    platform_settings: PlatformSettings, kafka_topics: Any
) -> None:
    first, second = await kafka_topics("publish-a"), await kafka_topics("publish-b")
    registry = CollectorRegistry()
    broker = create_broker(platform_settings, client_id="publish-test", metrics_registry=registry)
    await broker.start()
    try:
        await publish_many(
            broker,
            [
                OutgoingRecord(first, b'{"n": 1}', key=b"k", headers={"x-kind": "raw"}),
                OutgoingRecord(first, {"n": 2}, key=b"k"),
                OutgoingRecord(second, {"n": 3}, key=b"other", headers={"x-kind": "dict"}),
            ],
        )
        await publish_many(broker, [])  # nothing to send, nothing counted
    finally:
        await stop_broker(broker)

    bootstrap = platform_settings.kafka_bootstrap_servers
    on_first = await read_up_to_marker(bootstrap, first)
    on_second = await read_up_to_marker(bootstrap, second)
    assert [json.loads(record.value) for record in on_first] == [{"n": 1}, {"n": 2}]
    assert [record.key for record in on_first] == [b"k", b"k"]
    assert on_first[0].header("x-kind") == "raw"
    assert on_first[0].header("content-type") is None, "bytes are sent as they are"
    assert on_first[1].header("content-type") == "application/json"
    assert [json.loads(record.value) for record in on_second] == [{"n": 3}]
    assert on_second[0].header("x-kind") == "dict"
    assert published(registry, first, "success") == 2
    assert published(registry, second, "success") == 1
    assert published(registry, first, "error") == 0

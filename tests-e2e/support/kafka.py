"""Publishing to the stack's topics directly, as another service would.

Reading them is ``mia_common.testing``'s ``TopicReader`` (and ``group_caught_up``), the one
topic reader every test uses; both are re-exported here for the benchmarks that import them
from this module.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaProducer

from mia_common.contracts import Envelope
from mia_common.testing import TopicReader, group_caught_up

__all__ = ["TopicReader", "group_caught_up", "publish_envelopes"]


async def publish_envelopes(
    bootstrap: str, topic: str, envelopes: Iterable[tuple[bytes, Envelope[Any]]]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        sends = [
            await producer.send(topic, json.dumps(env.to_json_dict()).encode(), key=key)
            for key, env in envelopes
        ]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()

"""Creates the topics of the registry (and their dead-letter twins) on the broker.

``python -m mia_common.messaging.admin ensure-topics`` is what ``make up`` runs; tests
call ``ensure_topics`` with topics of their own.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from mia_common.contracts.topics import TOPICS, Topic
from mia_common.settings import PlatformSettings

__all__ = ["delete_topics", "ensure_topics", "main"]


def _new_topics(topics: Iterable[Topic]) -> list[NewTopic]:
    result = []
    for topic in topics:
        config = {"cleanup.policy": "compact"} if topic.compacted else {}
        result.append(NewTopic(topic.name, topic.partitions, 1, topic_configs=config))
        # Dead letters are kept for a month for someone to look at and replay.
        result.append(
            NewTopic(topic.dead_letter, 1, 1, topic_configs={"retention.ms": str(30 * 86_400_000)})
        )
    return result


async def _admin(bootstrap: str, wait_seconds: float) -> AIOKafkaAdminClient:
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
        try:
            await admin.start()
            return admin
        except KafkaConnectionError:
            await admin.close()
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def ensure_topics(
    bootstrap: str, topics: Iterable[Topic] = TOPICS, *, wait_seconds: float = 60
) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    admin = await _admin(bootstrap, wait_seconds)
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in _new_topics(topics) if t.name not in existing]
        created = []
        for new_topic in missing:
            try:
                await admin.create_topics([new_topic])
                created.append(new_topic.name)
            except TopicAlreadyExistsError:
                pass  # another process created it between list and create
        return created
    finally:
        await admin.close()


async def delete_topics(bootstrap: str, names: Iterable[str]) -> None:
    admin = await _admin(bootstrap, 10)
    try:
        await admin.delete_topics(list(names))
    finally:
        await admin.close()


def main(argv: list[str]) -> int:
    if argv != ["ensure-topics"]:
        print("usage: python -m mia_common.messaging.admin ensure-topics", file=sys.stderr)
        return 2
    created = asyncio.run(ensure_topics(PlatformSettings().kafka_bootstrap_servers))
    print(f"[local] kafka topics ready ({len(created)} created)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

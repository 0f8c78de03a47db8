"""Reading what the sender publishes: a background consumer keeping every record of a topic."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer

from mia_common.testing import wait_until


@dataclass(frozen=True)
class Record:
    key: bytes | None
    event: dict[str, Any]

    @property
    def data(self) -> dict[str, Any]:
        return self.event["data"]  # type: ignore[no-any-return]


class TopicRecorder:
    """Every record of one topic since the session began, decoded; waits with deadlines."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self._bootstrap = bootstrap
        self.topic = topic
        self.records: list[Record] = []
        self._task: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def __aenter__(self) -> TopicRecorder:
        # No group: the consumer reads every partition, from the start of the topic.
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self._bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        self._consumer = consumer
        self._task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            batch = await self._consumer.getmany(timeout_ms=100)
            for records in batch.values():
                for record in records:
                    self.records.append(Record(record.key, json.loads(record.value)))

    def matching(self, predicate: Callable[[Record], bool]) -> list[Record]:
        return [record for record in self.records if predicate(record)]

    async def wait_for(
        self,
        predicate: Callable[[Record], bool],
        *,
        count: int = 1,
        timeout: float = 20.0,  # noqa: ASYNC109
        message: str = "records",
    ) -> list[Record]:
        async def enough() -> list[Record]:
            found = self.matching(predicate)
            return found if len(found) >= count else []

        return await wait_until(enough, timeout=timeout, message=message)

    async def settle(self, seconds: float = 0.5) -> None:
        """Give records already on their way a moment to arrive (to prove none more came).

        Used only after the expected records were seen, so it never replaces a wait."""
        await asyncio.sleep(seconds)

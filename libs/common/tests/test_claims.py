"""Claims: a batch of events is claimed in one statement, each event once per consumer."""

from __future__ import annotations

from typing import Any

from aiokafka import ConsumerRecord
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts.envelope import new_event_id
from mia_common.messaging.commits import OffsetCommitter
from mia_common.outbox import claim_event, claim_events


async def test_a_batch_claims_only_what_it_had_not_seen(db_session: AsyncSession) -> None:
    seen, fresh = new_event_id(), new_event_id()
    assert await claim_event(db_session, consumer="ledger", event_id=seen)

    claimed = await claim_events(db_session, consumer="ledger", event_ids=[seen, fresh, fresh])

    assert claimed == {fresh}
    assert await claim_events(db_session, consumer="ledger", event_ids=[seen, fresh]) == set()
    # Another consumer's claims are its own.
    assert await claim_events(db_session, consumer="audit", event_ids=[seen]) == {seen}
    assert await claim_events(db_session, consumer="ledger", event_ids=[]) == set()


class RecordingConsumer:
    def __init__(self, group_id: str | None) -> None:
        self._group_id = group_id
        self.commits: list[dict[Any, int]] = []

    async def commit(self, offsets: dict[Any, int]) -> None:
        self.commits.append(offsets)


def record(offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic="t",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=None,
        value=b"",
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=(),
    )


async def test_offsets_are_committed_for_a_group_and_never_for_a_group_less_reader() -> None:
    committer = OffsetCommitter(max_pending=1)
    grouped, projection = RecordingConsumer("crm.inbound"), RecordingConsumer(None)

    await committer.handled(grouped, record(41))
    await committer.handled(projection, record(41))

    assert [list(offsets.values()) for offsets in grouped.commits] == [[42]]
    assert projection.commits == []

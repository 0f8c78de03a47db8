"""SQL about messages; every query is scoped to one tenant (or to a channel account,
whose id belongs to one tenant)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import keyset
from mia_crm.batch_sql import unnested
from mia_crm.models import Direction, Message, ProcessedEvent

__all__ = ["MessageRepository", "ProcessedEventRepository"]

# A declarative class's __table__ is typed as any FromClause; this one is its Table.
_MESSAGES = cast(Table, Message.__table__)


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> MessageRepository:
        return cls(session)

    async def exists(self, *, tenant_id: uuid.UUID, message_id: uuid.UUID) -> bool:
        query = select(Message.id).where(Message.tenant_id == tenant_id, Message.id == message_id)
        return (await self.session.scalar(query)) is not None

    async def inbound(self, *, tenant_id: uuid.UUID, message_id: uuid.UUID) -> Message | None:
        """A customer's message of this tenant, or None (another tenant's, an outbound one,
        or nothing at all)."""
        query = select(Message).where(
            Message.tenant_id == tenant_id,
            Message.id == message_id,
            Message.direction == Direction.IN.value,
        )
        return (await self.session.scalars(query)).first()

    async def add(self, message: Message) -> Message:
        self.session.add(message)
        await self.session.flush()
        return message

    async def insert_unless_stored(self, rows: Sequence[dict[str, Any]]) -> set[uuid.UUID]:
        """Insert ``rows`` (each with its ``id``) in one statement; the ids of those
        inserted: a row whose channel message id is already stored (a redelivery) is left
        out."""
        if not rows:
            return set()
        columns = [getattr(Message, name) for name in rows[0]]
        # The table, not the entity: an ORM-enabled INSERT goes through SQLAlchemy's bulk
        # persistence layer for nothing here (no objects to track).
        statement = (
            insert(_MESSAGES)
            .from_select([column.key for column in columns], unnested(columns, rows))
            .on_conflict_do_nothing(constraint="uq_messages_channel_account_id_external_message_id")
            .returning(_MESSAGES.c.id)
        )
        return set((await self.session.scalars(statement)).all())

    async def outbound_for_update(
        self, *, tenant_id: uuid.UUID, message_id: uuid.UUID
    ) -> Message | None:
        query = (
            select(Message)
            .where(
                Message.tenant_id == tenant_id,
                Message.id == message_id,
                Message.direction == Direction.OUT,
            )
            .with_for_update()
        )
        return (await self.session.scalars(query)).one_or_none()

    async def outbound_by_channel_id_for_update(
        self, *, tenant_id: uuid.UUID, channel_account_id: uuid.UUID, external_message_id: str
    ) -> Message | None:
        query = (
            select(Message)
            .where(
                Message.tenant_id == tenant_id,
                Message.channel_account_id == channel_account_id,
                Message.external_message_id == external_message_id,
                Message.direction == Direction.OUT,
            )
            .with_for_update()
        )
        return (await self.session.scalars(query)).one_or_none()

    async def lock_idempotency_key(self, *, tenant_id: uuid.UUID, key: str) -> None:
        """Hold the tenant's ``key`` until the transaction ends (a transaction-scoped
        advisory lock): a second request with the same key waits, then finds the first's
        message."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(f"{tenant_id}:{key}", 0)))
        )

    async def by_idempotency_key(self, *, tenant_id: uuid.UUID, key: str) -> Message | None:
        query = select(Message).where(
            Message.tenant_id == tenant_id, Message.idempotency_key == key
        )
        return (await self.session.scalars(query)).one_or_none()

    async def thread_page(
        self,
        *,
        tenant_id: uuid.UUID,
        conversation_id: uuid.UUID,
        cursor: str | None,
        limit: int,
    ) -> list[Message]:
        """A conversation's messages, newest first, older than those ``cursor`` ends."""
        query = select(Message).where(
            Message.tenant_id == tenant_id, Message.conversation_id == conversation_id
        )
        query = keyset(query, keys=[Message.occurred_at, Message.id], cursor=cursor, limit=limit)
        return list((await self.session.scalars(query)).all())

    async def move_to_conversation(
        self, *, from_conversation_id: uuid.UUID, to_conversation_id: uuid.UUID
    ) -> None:
        await self.session.execute(
            update(Message)
            .where(Message.conversation_id == from_conversation_id)
            .values(conversation_id=to_conversation_id)
            .execution_options(synchronize_session=False)
        )


class ProcessedEventRepository:
    """The consumer's claims on event ids, many in one statement.

    ``mia_common.outbox.claim_event`` claims one; a batch of inbound messages claims all of
    its events at once (one row per event, as there). To be replaced by a batch form in
    ``mia_common.outbox`` (asked for in the crm's requests).
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> ProcessedEventRepository:
        return cls(session)

    async def claim(self, *, consumer: str, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """The ids of ``event_ids`` this consumer had not processed yet, now claimed."""
        if not event_ids:
            return set()
        rows = [
            {"consumer": consumer, "event_id": event_id} for event_id in dict.fromkeys(event_ids)
        ]
        columns = [ProcessedEvent.consumer, ProcessedEvent.event_id]
        statement = (
            insert(ProcessedEvent)
            .from_select(["consumer", "event_id"], unnested(columns, rows))
            .on_conflict_do_nothing()
            .returning(ProcessedEvent.event_id)
        )
        return set((await self.session.scalars(statement)).all())

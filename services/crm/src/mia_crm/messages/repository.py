"""SQL about messages; every query is scoped to one tenant (or to a channel account,
whose id belongs to one tenant)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.models import Direction, Message
from mia_crm.pagination import keyset

__all__ = ["MessageRepository"]


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> MessageRepository:
        return cls(session)

    async def add(self, message: Message) -> Message:
        self.session.add(message)
        await self.session.flush()
        return message

    async def is_stored(self, *, channel_account_id: uuid.UUID, external_message_id: str) -> bool:
        query = select(Message.id).where(
            Message.channel_account_id == channel_account_id,
            Message.external_message_id == external_message_id,
        )
        return (await self.session.scalar(query)) is not None

    async def insert_unless_stored(self, **values: Any) -> Message | None:
        """The new message, or None when its channel id is already stored (a redelivery)."""
        statement = (
            insert(Message)
            .values(**values)
            .on_conflict_do_nothing(constraint="uq_messages_channel_account_id_external_message_id")
            .returning(Message)
        )
        return (await self.session.scalars(statement)).one_or_none()

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
        before: str | None,
        limit: int,
    ) -> list[Message]:
        """A conversation's messages, newest first, older than the ``before`` cursor."""
        query = select(Message).where(
            Message.tenant_id == tenant_id, Message.conversation_id == conversation_id
        )
        query = keyset(query, at=Message.occurred_at, row_id=Message.id, cursor=before, limit=limit)
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

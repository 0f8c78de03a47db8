"""SQL about conversation notes; every query is scoped to one tenant."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import keyset
from mia_crm.models import ConversationNote

__all__ = ["NoteRepository"]


class NoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> NoteRepository:
        return cls(session)

    async def add(self, note: ConversationNote) -> ConversationNote:
        self.session.add(note)
        await self.session.flush()
        return note

    async def page(
        self, *, tenant_id: uuid.UUID, conversation_id: uuid.UUID, cursor: str | None, limit: int
    ) -> list[ConversationNote]:
        """Newest note first."""
        query = select(ConversationNote).where(
            ConversationNote.tenant_id == tenant_id,
            ConversationNote.conversation_id == conversation_id,
        )
        query = keyset(
            query,
            keys=[ConversationNote.created_at, ConversationNote.id],
            cursor=cursor,
            limit=limit,
        )
        return list((await self.session.scalars(query)).all())

    async def move_to_conversation(
        self, *, from_conversation_id: uuid.UUID, to_conversation_id: uuid.UUID
    ) -> None:
        await self.session.execute(
            update(ConversationNote)
            .where(ConversationNote.conversation_id == from_conversation_id)
            .values(conversation_id=to_conversation_id)
            .execution_options(synchronize_session=False)
        )

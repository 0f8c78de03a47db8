"""SQL of bulk actions: walking the contacts a job targets, a batch at a time, and the
changes that have no single-contact home (deleting contacts with what hangs on them)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.batch_sql import one_of
from mia_crm.models import Contact, Conversation, ConversationNote, Message

__all__ = ["BulkRepository"]


class BulkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> BulkRepository:
        return cls(session)

    async def snapshot(self, condition: ColumnElement[bool]) -> tuple[int, uuid.UUID | None]:
        """How many contacts match now, and the highest id among them: the job walks ids up
        to it, so contacts created after it started are left out."""
        count = await self.session.scalar(select(func.count()).where(condition))
        # No max(uuid) in PostgreSQL: the last id in the primary key's order instead.
        upper = await self.session.scalar(
            select(Contact.id).where(condition).order_by(Contact.id.desc()).limit(1)
        )
        return int(count or 0), upper

    async def batch(
        self,
        condition: ColumnElement[bool],
        *,
        after: uuid.UUID | None,
        upper: uuid.UUID,
        limit: int,
        lock: bool,
    ) -> list[Contact]:
        """The next ``limit`` matching contacts by id after ``after`` (up to ``upper``);
        ``lock``: locked in id order (two jobs over overlapping contacts wait, never
        deadlock)."""
        query = select(Contact).where(condition, Contact.id <= upper)
        if after is not None:
            query = query.where(Contact.id > after)
        query = query.order_by(Contact.id).limit(limit)
        if lock:
            query = query.with_for_update(of=Contact)
        return list((await self.session.scalars(query)).all())

    async def selected(
        self, *, tenant_id: uuid.UUID, contact_ids: Collection[uuid.UUID], lock: bool
    ) -> list[Contact]:
        """The tenant's contacts among ``contact_ids`` in id order (``lock``: locked);
        another tenant's ids find nothing."""
        if not contact_ids:
            return []
        query = (
            select(Contact)
            .where(Contact.tenant_id == tenant_id, one_of(Contact.id, contact_ids))
            .order_by(Contact.id)
        )
        if lock:
            query = query.with_for_update()
        return list((await self.session.scalars(query)).all())

    async def delete_contacts(
        self, *, tenant_id: uuid.UUID, contact_ids: Sequence[uuid.UUID]
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """Deletes the contacts and everything of theirs; the (id, contact id) of the
        conversations that went with them. Their conversations (and those conversations'
        messages and notes) go explicitly: conversations hold no cascade. The rest goes
        by ON DELETE CASCADE from ``contacts``: tags, consent state and ledger, leads
        (with their tags and stage history), dismissed merge suggestions."""
        if not contact_ids:
            return []
        conversations = select(Conversation.id).where(
            Conversation.tenant_id == tenant_id, one_of(Conversation.contact_id, contact_ids)
        )
        await self.session.execute(
            delete(Message)
            .where(Message.tenant_id == tenant_id, Message.conversation_id.in_(conversations))
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            delete(ConversationNote)
            .where(
                ConversationNote.tenant_id == tenant_id,
                ConversationNote.conversation_id.in_(conversations),
            )
            .execution_options(synchronize_session=False)
        )
        gone = await self.session.execute(
            delete(Conversation)
            .where(
                Conversation.tenant_id == tenant_id, one_of(Conversation.contact_id, contact_ids)
            )
            .returning(Conversation.id, Conversation.contact_id)
            .execution_options(synchronize_session=False)
        )
        conversations_gone = [(row[0], row[1]) for row in gone.all()]
        await self.session.execute(
            delete(Contact)
            .where(Contact.tenant_id == tenant_id, one_of(Contact.id, contact_ids))
            .execution_options(synchronize_session=False)
        )
        return conversations_gone

"""SQL about conversations; every query is scoped to one tenant."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mia_common.db.search import contains
from mia_common.pagination import keyset
from mia_crm.batch_sql import rows_in
from mia_crm.contacts.repository import matches_contact
from mia_crm.models import Contact, Conversation, ConversationStatus, Message

__all__ = ["ConversationRepository", "ConversationView", "InboxFilter"]


@dataclass(frozen=True, slots=True)
class ConversationView:
    """A conversation as the inbox shows it: with its contact and its last message's
    delivery status (all the inbox shows of it that the conversation does not keep)."""

    conversation: Conversation
    contact: Contact
    last_message_status: str | None


@dataclass(frozen=True, slots=True)
class InboxFilter:
    unread: bool = False
    assigned_to: uuid.UUID | None = None
    unassigned: bool = False
    """no user (with ``team_id``: the team's conversations nobody took yet)"""
    team_id: uuid.UUID | None = None
    status: ConversationStatus | None = None
    channel_account_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    q: str | None = None


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> ConversationRepository:
        return cls(session)

    async def get(
        self, *, tenant_id: uuid.UUID, conversation_id: uuid.UUID, for_update: bool = False
    ) -> Conversation | None:
        query = select(Conversation).where(
            Conversation.tenant_id == tenant_id, Conversation.id == conversation_id
        )
        if for_update:
            # Fresh values with the lock: the row may be in the session from a read
            # before it, and what changed since must not be overwritten by stale ones.
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self.session.scalars(query)).one_or_none()

    async def find_for_update(
        self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID, channel_account_id: uuid.UUID
    ) -> Conversation | None:
        query = (
            select(Conversation)
            .where(
                Conversation.tenant_id == tenant_id,
                Conversation.contact_id == contact_id,
                Conversation.channel_account_id == channel_account_id,
            )
            .with_for_update()
        )
        return (await self.session.scalars(query)).one_or_none()

    async def find_many_for_update(
        self, keys: Collection[tuple[uuid.UUID, uuid.UUID, uuid.UUID]]
    ) -> list[Conversation]:
        """The conversations of these (tenant, contact, channel account) keys that exist,
        locked in id order (concurrent batches lock shared rows in the same order)."""
        if not keys:
            return []
        query = (
            select(Conversation)
            .where(
                rows_in(
                    [
                        Conversation.tenant_id,
                        Conversation.contact_id,
                        Conversation.channel_account_id,
                    ],
                    keys,
                )
            )
            .order_by(Conversation.id)
            .with_for_update()
        )
        return list((await self.session.scalars(query)).all())

    async def insert_unless_taken(
        self,
        *,
        tenant_id: uuid.UUID,
        contact_id: uuid.UUID,
        channel: str,
        channel_account_id: uuid.UUID,
        last_message_at: datetime,
    ) -> Conversation | None:
        """The new conversation, or None when a concurrent insert made it first."""
        statement = (
            insert(Conversation)
            .values(
                tenant_id=tenant_id,
                contact_id=contact_id,
                channel=channel,
                channel_account_id=channel_account_id,
                last_message_at=last_message_at,
            )
            .on_conflict_do_nothing()
            .returning(Conversation)
        )
        return (await self.session.scalars(statement)).one_or_none()

    async def of_contact(
        self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID
    ) -> list[Conversation]:
        query = (
            select(Conversation)
            .where(Conversation.tenant_id == tenant_id, Conversation.contact_id == contact_id)
            .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        )
        return list((await self.session.scalars(query)).all())

    async def delete(self, conversation: Conversation) -> None:
        await self.session.delete(conversation)
        await self.session.flush()

    async def view(
        self, *, tenant_id: uuid.UUID, conversation_id: uuid.UUID
    ) -> ConversationView | None:
        query = _views(tenant_id).where(Conversation.id == conversation_id)
        row = (await self.session.execute(query)).one_or_none()
        return None if row is None else ConversationView(*row)

    async def inbox_page(
        self, *, tenant_id: uuid.UUID, inbox: InboxFilter, cursor: str | None, limit: int
    ) -> list[ConversationView]:
        """The inbox, most recent conversation first."""
        query = _views(tenant_id)
        if inbox.unread:
            query = query.where(Conversation.unread_count > 0)
        if inbox.assigned_to is not None:
            query = query.where(Conversation.assigned_user_id == inbox.assigned_to)
        if inbox.unassigned:
            query = query.where(Conversation.assigned_user_id.is_(None))
        if inbox.team_id is not None:
            query = query.where(Conversation.assigned_team_id == inbox.team_id)
        if inbox.status is not None:
            query = query.where(Conversation.status == inbox.status.value)
        if inbox.channel_account_id is not None:
            query = query.where(Conversation.channel_account_id == inbox.channel_account_id)
        if inbox.contact_id is not None:
            query = query.where(Conversation.contact_id == inbox.contact_id)
        if inbox.q and inbox.q.strip():
            searched = aliased(Message)
            said_it = exists().where(
                searched.conversation_id == Conversation.id,
                searched.tenant_id == tenant_id,
                contains(searched.text, inbox.q.strip()),
            )
            query = query.where(or_(matches_contact(inbox.q), said_it))
        query = keyset(
            query, keys=[Conversation.last_message_at, Conversation.id], cursor=cursor, limit=limit
        )
        return [ConversationView(*row) for row in (await self.session.execute(query)).all()]


def _views(tenant_id: uuid.UUID) -> Select[Conversation, Contact, str | None]:
    # The status column, not the message: the list page would otherwise load and decode
    # every last message's JSON (media, extra, status timeline) to show one word.
    return (
        select(Conversation, Contact, Message.status)
        .join(Contact, Contact.id == Conversation.contact_id)
        .outerjoin(Message, Message.id == Conversation.last_message_id)
        .where(Conversation.tenant_id == tenant_id)
    )

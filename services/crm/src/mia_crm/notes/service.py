"""What the team does with notes: write one on a conversation, which every dashboard of
the tenant hears about as ``conversation_updated``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.conversations.service import get_conversation
from mia_crm.inbox_events import announce_updated
from mia_crm.models import ConversationNote
from mia_crm.notes.repository import NoteRepository

__all__ = ["add_note"]


async def add_note(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    author_user_id: uuid.UUID,
    conversation_id: uuid.UUID,
    text: str,
    inbox_topic: str,
    now: datetime,
) -> ConversationNote:
    """The new note; 404 for a conversation the tenant does not have."""
    conversation = await get_conversation(
        session, tenant_id=tenant_id, conversation_id=conversation_id
    )
    note = await NoteRepository.from_session(session).add(
        ConversationNote(
            tenant_id=tenant_id,
            conversation_id=conversation.id,
            author_user_id=author_user_id,
            text=text,
        )
    )
    await announce_updated(session, conversation, topic=inbox_topic, occurred_at=now)
    return note

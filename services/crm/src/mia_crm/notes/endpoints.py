"""``/api/v1/inbox/conversations/{id}/notes``: the team's internal notes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_crm.context import ContextDep
from mia_crm.conversations.service import get_conversation
from mia_crm.identity import Caller
from mia_crm.notes import service as notes
from mia_crm.notes.repository import NoteRepository
from mia_crm.notes.schemas import NoteBody, NoteOut

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/inbox/conversations", tags=["inbox"])


@router.get("/{conversation_id}/notes", response_model=Page[NoteOut], summary="Newest first")
async def list_notes(
    conversation_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> Page[NoteOut]:
    await get_conversation(session, tenant_id=caller.tenant_id, conversation_id=conversation_id)
    rows = await NoteRepository.from_session(session).page(
        tenant_id=caller.tenant_id, conversation_id=conversation_id, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(rows, limit, lambda note: (note.created_at, note.id))
    return Page(items=[NoteOut.of(note) for note in page], next_cursor=next_cursor)


@router.post("/{conversation_id}/notes", response_model=NoteOut, status_code=201)
async def add_note(
    conversation_id: uuid.UUID,
    body: NoteBody,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> NoteOut:
    note = await notes.add_note(
        session,
        tenant_id=caller.tenant_id,
        author_user_id=caller.user_id,
        conversation_id=conversation_id,
        text=body.text,
        inbox_topic=context.settings.inbox_topic,
        now=datetime.now(UTC),
    )
    return NoteOut.of(note)

"""``/api/v1/inbox/conversations/{id}/messages``: the thread, and replying."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Header

from mia_common.db.requests import SessionDep
from mia_common.openapi import PROBLEM_RESPONSE
from mia_common.pagination import CursorParam, InvalidCursor, Limit, Page, split_page
from mia_common.text import ApiStr
from mia_crm.context import ContextDep
from mia_crm.conversations.service import get_conversation
from mia_crm.identity import Caller
from mia_crm.messages.replies import send_reply
from mia_crm.messages.repository import MessageRepository
from mia_crm.messages.schemas import MessageOut, ReplyBody

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/inbox/conversations", tags=["inbox"])


@router.get("/{conversation_id}/messages", response_model=Page[MessageOut], summary="Newest first")
async def list_messages(
    conversation_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> Page[MessageOut]:
    # The page first: messages of the tenant's conversation prove that it has one, so the
    # look-up of the conversation (a round trip on every poll of a thread) is needed only
    # when there are none, to tell an empty page from another tenant's id (404). That 404
    # also wins over a bad cursor, as when the conversation was looked up first.
    try:
        rows = await MessageRepository.from_session(session).thread_page(
            tenant_id=caller.tenant_id, conversation_id=conversation_id, cursor=cursor, limit=limit
        )
    except InvalidCursor:
        await get_conversation(session, tenant_id=caller.tenant_id, conversation_id=conversation_id)
        raise
    if not rows:
        await get_conversation(session, tenant_id=caller.tenant_id, conversation_id=conversation_id)
    page, next_cursor = split_page(rows, limit, lambda message: (message.occurred_at, message.id))
    return Page(items=[MessageOut.of(message) for message in page], next_cursor=next_cursor)


@router.post(
    "/{conversation_id}/messages",
    response_model=MessageOut,
    status_code=202,
    summary="Reply: queued for sending; its status follows on the message",
    responses={
        409: {
            **PROBLEM_RESPONSE,
            "description": "window_closed (send a template), no_recipient, or"
            " idempotency_key_reused",
        }
    },
)
async def reply(
    conversation_id: uuid.UUID,
    body: Annotated[ReplyBody, Body()],
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
    idempotency_key: Annotated[
        ApiStr | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="the same key again returns the first reply instead of sending twice",
        ),
    ] = None,
) -> MessageOut:
    message = await send_reply(
        session,
        tenant_id=caller.tenant_id,
        user_id=caller.user_id,
        conversation_id=conversation_id,
        reply=body,
        idempotency_key=idempotency_key,
        send_topic=context.settings.send_topic,
        inbox_topic=context.settings.inbox_topic,
        now=datetime.now(UTC),
    )
    return MessageOut.of(message)

"""``/api/v1/inbox/conversations``: the list, one conversation, read, assign, status."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_common.text import ApiStr
from mia_crm.context import ContextDep
from mia_crm.conversations.repository import ConversationRepository, InboxFilter
from mia_crm.conversations.schemas import AssignBody, ConversationOut, StatusBody
from mia_crm.conversations.service import UNCHANGED, assign, change_status, mark_read
from mia_crm.errors import ConversationNotFound
from mia_crm.identity import Caller, CallerToken
from mia_crm.models import ConversationStatus

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/inbox/conversations", tags=["inbox"])


@router.get("", response_model=Page[ConversationOut], summary="The inbox, latest first")
async def list_conversations(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    unread: Annotated[bool, Query(description="only conversations with unread messages")] = False,
    mine: Annotated[bool, Query(description="only those assigned to the caller")] = False,
    unassigned: Annotated[
        bool,
        Query(
            description="only those assigned to no user (whatever their team: with team_id,"
            " the team's conversations nobody took yet)"
        ),
    ] = False,
    team_id: Annotated[
        uuid.UUID | None, Query(description="only those assigned to this team")
    ] = None,
    status: ConversationStatus | None = None,
    channel_account_id: uuid.UUID | None = None,
    contact_id: Annotated[
        uuid.UUID | None, Query(description="only the conversations of this contact")
    ] = None,
    q: Annotated[
        ApiStr | None,
        Query(max_length=200, description="contact name, phone digits or message text"),
    ] = None,
) -> Page[ConversationOut]:
    inbox = InboxFilter(
        unread=unread,
        assigned_to=caller.user_id if mine else None,
        unassigned=unassigned,
        team_id=team_id,
        status=status,
        channel_account_id=channel_account_id,
        contact_id=contact_id,
        q=q,
    )
    views = await ConversationRepository.from_session(session).inbox_page(
        tenant_id=caller.tenant_id, inbox=inbox, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(
        views, limit, lambda view: (view.conversation.last_message_at, view.conversation.id)
    )
    now = datetime.now(UTC)
    return Page(items=[ConversationOut.of(view, now=now) for view in page], next_cursor=next_cursor)


@router.get("/{conversation_id}", response_model=ConversationOut)
async def read_conversation(
    conversation_id: uuid.UUID, caller: Caller, session: SessionDep
) -> ConversationOut:
    return await _out(session, caller.tenant_id, conversation_id)


@router.post("/{conversation_id}/read", response_model=ConversationOut, summary="Mark as read")
async def read_all(
    conversation_id: uuid.UUID, caller: Caller, session: SessionDep, context: ContextDep
) -> ConversationOut:
    await mark_read(
        session,
        tenant_id=caller.tenant_id,
        conversation_id=conversation_id,
        inbox_topic=context.settings.inbox_topic,
        now=datetime.now(UTC),
    )
    return await _out(session, caller.tenant_id, conversation_id)


@router.post(
    "/{conversation_id}/assign",
    response_model=ConversationOut,
    summary="Assign to a user, a team or both, or unassign (agents: only themselves)",
    description="A field left out keeps what the conversation has; null clears it. The user"
    " must be an active user of the tenant (422 `assignee_unknown` or `assignee_inactive`"
    " otherwise), the team one of the tenant's teams (422 `team_unknown`); 503"
    " `gateway_unavailable` when that cannot be checked now (the conversation is then left"
    " as it was). Moving a conversation to another team needs a manager or above (403"
    " `assignment_not_allowed`); an agent may take a conversation of a team only when they"
    " are one of its members. The user need not be a member of the conversation's team.",
)
async def assign_conversation(
    conversation_id: uuid.UUID,
    body: AssignBody,
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
) -> ConversationOut:
    await assign(
        session,
        identity=caller,
        identity_token=token,
        users=context.users,
        conversation_id=conversation_id,
        user_id=body.user_id if body.sets_user else UNCHANGED,
        team_id=body.team_id if body.sets_team else UNCHANGED,
        inbox_topic=context.settings.inbox_topic,
        now=datetime.now(UTC),
    )
    return await _out(session, caller.tenant_id, conversation_id)


@router.post("/{conversation_id}/status", response_model=ConversationOut, summary="Open or close")
async def set_status(
    conversation_id: uuid.UUID,
    body: StatusBody,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> ConversationOut:
    await change_status(
        session,
        tenant_id=caller.tenant_id,
        conversation_id=conversation_id,
        status=body.status,
        inbox_topic=context.settings.inbox_topic,
        now=datetime.now(UTC),
    )
    return await _out(session, caller.tenant_id, conversation_id)


async def _out(
    session: AsyncSession, tenant_id: uuid.UUID, conversation_id: uuid.UUID
) -> ConversationOut:
    view = await ConversationRepository.from_session(session).view(
        tenant_id=tenant_id, conversation_id=conversation_id
    )
    if view is None:
        raise ConversationNotFound(f"no conversation {conversation_id}")
    return ConversationOut.of(view, now=datetime.now(UTC))

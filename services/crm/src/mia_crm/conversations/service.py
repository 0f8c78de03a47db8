"""What the team does to a conversation: read it, assign it, close or reopen it.

Each one that changes the conversation is announced on the inbox topic as
``conversation_updated``; one that leaves it as it was (reading a read conversation,
assigning it to its holder, closing a closed one) is not.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.identity import Identity, Role
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.errors import AssignmentNotAllowed, ConversationNotFound
from mia_crm.inbox_events import announce_updated
from mia_crm.models import Conversation, ConversationStatus

__all__ = ["assign", "change_status", "get_conversation", "mark_read"]


async def get_conversation(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    for_update: bool = False,
) -> Conversation:
    """The tenant's conversation, or 404 (for another tenant's id too)."""
    conversation = await ConversationRepository.from_session(session).get(
        tenant_id=tenant_id, conversation_id=conversation_id, for_update=for_update
    )
    if conversation is None:
        raise ConversationNotFound(f"no conversation {conversation_id}")
    return conversation


async def mark_read(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    inbox_topic: str,
    now: datetime,
) -> Conversation:
    conversation = await get_conversation(
        session, tenant_id=tenant_id, conversation_id=conversation_id, for_update=True
    )
    if conversation.unread_count != 0:
        conversation.unread_count = 0
        await _updated(session, conversation, inbox_topic=inbox_topic, now=now)
    return conversation


async def assign(
    session: AsyncSession,
    *,
    identity: Identity,
    identity_token: str,
    users: GatewayUsers,
    conversation_id: uuid.UUID,
    user_id: uuid.UUID | None,
    inbox_topic: str,
    now: datetime,
) -> Conversation:
    """Assign to ``user_id`` (None: unassign).

    Agents may take a conversation nobody else holds and let go of their own; giving
    one to someone else, or taking it from someone, needs a manager or above. The
    assignee must be an active user of the tenant, which the gateway says (asked with
    the caller's own ``identity_token``).
    """
    # Refusals that need no one else come first: another tenant's id (404) and a rule the
    # role breaks (403) are answered without asking the gateway. Read without a lock: the
    # row is not held while the gateway answers (the inbound consumer locks it too).
    conversation = await get_conversation(
        session, tenant_id=identity.tenant_id, conversation_id=conversation_id
    )
    _may_assign(identity, holder=conversation.assigned_user_id, user_id=user_id)
    # Unassigning names nobody: no call. Assigning oneself is checked too, although a
    # user's token would prove that user exists: an integration's token names its API
    # key (the gateway forwards the key's id as the user id, and the token does not say
    # which kind of caller it is), and a key is nobody to assign a conversation to.
    if user_id is not None:
        await users.check_assignable(
            user_id=user_id, tenant_id=identity.tenant_id, identity_token=identity_token
        )
    conversation = await get_conversation(
        session, tenant_id=identity.tenant_id, conversation_id=conversation_id, for_update=True
    )
    # Again under the lock: someone may have taken it while the gateway answered.
    _may_assign(identity, holder=conversation.assigned_user_id, user_id=user_id)
    if conversation.assigned_user_id != user_id:
        conversation.assigned_user_id = user_id
        await _updated(session, conversation, inbox_topic=inbox_topic, now=now)
    return conversation


def _may_assign(identity: Identity, *, holder: uuid.UUID | None, user_id: uuid.UUID | None) -> None:
    if identity.role.at_least(Role.manager):
        return
    taking = user_id == identity.user_id and holder in (None, identity.user_id)
    releasing = user_id is None and holder in (None, identity.user_id)
    if not (taking or releasing):
        raise AssignmentNotAllowed(
            "agents may assign only unassigned conversations to themselves and unassign"
            " their own; a manager or above assigns others"
        )


async def change_status(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    status: ConversationStatus,
    inbox_topic: str,
    now: datetime,
) -> Conversation:
    conversation = await get_conversation(
        session, tenant_id=tenant_id, conversation_id=conversation_id, for_update=True
    )
    if conversation.status != status.value:
        conversation.status = status.value
        await _updated(session, conversation, inbox_topic=inbox_topic, now=now)
    return conversation


async def _updated(
    session: AsyncSession, conversation: Conversation, *, inbox_topic: str, now: datetime
) -> None:
    await session.flush()
    await announce_updated(session, conversation, topic=inbox_topic, occurred_at=now)

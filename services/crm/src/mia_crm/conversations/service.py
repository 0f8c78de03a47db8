"""What the team does to a conversation: read it, assign it (to a user, a team or both),
close or reopen it.

Each one that changes the conversation is announced on the inbox topic as
``conversation_updated``; one that leaves it as it was (reading a read conversation,
assigning it to its holder, closing a closed one) is not.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.identity import Identity, Role
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.errors import AssignmentNotAllowed, ConversationNotFound, TeamUnknown
from mia_crm.inbox_events import announce_updated
from mia_crm.models import Conversation, ConversationStatus

__all__ = [
    "UNCHANGED",
    "Unchanged",
    "assign",
    "change_status",
    "get_conversation",
    "mark_read",
]


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


class Unchanged(Enum):
    """What an assignment leaves as it is (a field the request left out)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


async def assign(
    session: AsyncSession,
    *,
    identity: Identity,
    identity_token: str,
    users: GatewayUsers,
    conversation_id: uuid.UUID,
    user_id: uuid.UUID | Unchanged | None = UNCHANGED,
    team_id: uuid.UUID | Unchanged | None = UNCHANGED,
    inbox_topic: str,
    now: datetime,
) -> Conversation:
    """Assign to ``user_id`` and / or ``team_id`` (None: take it from them; ``UNCHANGED``:
    leave that part as it is).

    Agents may take a conversation nobody else holds and let go of their own; a
    conversation of a team only that team's members may take. Giving one to someone
    else, taking it from someone, or moving it to another team needs a manager or above.
    The user need not be in the conversation's team. The assignee must be an active user
    of the tenant and the team one of its teams, which the gateway says (asked with the
    caller's own ``identity_token``).
    """
    # Refusals that need no one else come first: another tenant's id (404) and a rule the
    # role breaks (403) are answered without asking the gateway. Read without a lock: the
    # row is not held while the gateway answers (the inbound consumer locks it too).
    conversation = await get_conversation(
        session, tenant_id=identity.tenant_id, conversation_id=conversation_id
    )
    membership_needed = _may_assign(identity, conversation, user_id=user_id, team_id=team_id)
    # Unassigning names nobody: no call. Assigning oneself is checked too, although a
    # user's token would prove that user exists: an integration's token names its API
    # key (the gateway forwards the key's id as the user id, and the token does not say
    # which kind of caller it is), and a key is nobody to assign a conversation to.
    if isinstance(user_id, uuid.UUID):
        await users.check_assignable(
            user_id=user_id, tenant_id=identity.tenant_id, identity_token=identity_token
        )
    if isinstance(team_id, uuid.UUID):
        await users.team(
            team_id=team_id, tenant_id=identity.tenant_id, identity_token=identity_token
        )
    if membership_needed is not None:
        await _check_member(
            users, identity=identity, identity_token=identity_token, team_id=membership_needed
        )
    conversation = await get_conversation(
        session, tenant_id=identity.tenant_id, conversation_id=conversation_id, for_update=True
    )
    # Again under the lock: someone may have taken it, or moved it to another team, while
    # the gateway answered.
    if _may_assign(identity, conversation, user_id=user_id, team_id=team_id) not in (
        None,
        membership_needed,
    ):
        raise AssignmentNotAllowed(
            "the conversation moved to another team meanwhile; reload it and try again"
        )
    changed = False
    if user_id is not UNCHANGED and conversation.assigned_user_id != user_id:
        conversation.assigned_user_id = user_id
        changed = True
    if team_id is not UNCHANGED and conversation.assigned_team_id != team_id:
        conversation.assigned_team_id = team_id
        changed = True
    if changed:
        await _updated(session, conversation, inbox_topic=inbox_topic, now=now)
    return conversation


def _may_assign(
    identity: Identity,
    conversation: Conversation,
    *,
    user_id: uuid.UUID | Unchanged | None,
    team_id: uuid.UUID | Unchanged | None,
) -> uuid.UUID | None:
    """Refuses (403) what the caller's role may not do; the team the caller must be a
    member of for the rest (an agent taking a team's conversation), or None."""
    if identity.role.at_least(Role.manager):
        return None
    if team_id is not UNCHANGED and team_id != conversation.assigned_team_id:
        raise AssignmentNotAllowed(
            "assigning a conversation to a team needs a manager or above; agents may take"
            " a conversation of a team they belong to"
        )
    if user_id is UNCHANGED:
        return None
    holder = conversation.assigned_user_id
    taking = user_id == identity.user_id and holder in (None, identity.user_id)
    releasing = user_id is None and holder in (None, identity.user_id)
    if not (taking or releasing):
        raise AssignmentNotAllowed(
            "agents may assign only unassigned conversations to themselves and unassign"
            " their own; a manager or above assigns others"
        )
    if taking and holder is None:
        return conversation.assigned_team_id
    return None


async def _check_member(
    users: GatewayUsers, *, identity: Identity, identity_token: str, team_id: uuid.UUID
) -> None:
    try:
        team = await users.team(
            team_id=team_id, tenant_id=identity.tenant_id, identity_token=identity_token
        )
    except TeamUnknown:
        # The team is gone (deleted at the gateway, which keeps no list of its
        # conversations): it has no members left to keep the conversation for.
        return
    if identity.user_id not in team.member_ids:
        raise AssignmentNotAllowed(
            "this conversation belongs to a team you are not a member of; only its members"
            " (or a manager) may take it"
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

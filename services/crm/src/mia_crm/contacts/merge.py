"""Merging two contacts that turned out to be one person.

Everything of the absorbed contact moves to the survivor, then the absorbed contact is
deleted (its id answers 404 afterwards); ``contact.merged`` is staged, then
``contact.updated`` with the survivor's new state:

- conversations on numbers the survivor has not talked on are re-pointed; on a number both
  have, the two threads become one (messages and notes move, counters add up, the newer
  last message wins);
- tags: the survivor carries the union;
- custom fields: the survivor's values win, its blanks (absent, null, "" or []) take the
  absorbed contact's;
- profile: blank fields of the survivor (name, phone, user id, email, owner, lifecycle
  stage, source, language, time zone) take the absorbed contact's; the activity times are
  the later of the two;
- consent: the ledger moves; per channel the current state is the most recent decision
  (an opt-out wins a tie), ``mia_crm.consent.service.merge_consent``;
- leads are re-pointed.

Open inboxes hear of it (``inbox.events.v1``, in the merge's transaction):
``conversation_updated`` for each conversation re-pointed (with the survivor's id), each
thread that took in another, each thread joined into another (gone: a refetch answers
404) and, when the survivor's name, phone or user id was filled in, every conversation
of the survivor (the inbox shows them).

Two paths merge: ``POST /api/v1/duplicates/merge`` (a person accepted a suggestion) and
inbound resolution (a message named a phone and a user id of two contacts).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactsMerged
from mia_common.outbox import add_event
from mia_crm.consent.service import merge_consent
from mia_crm.contacts.events import contact_changed
from mia_crm.contacts.repository import ContactRepository
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.inbox_events import ConversationRef, announce_conversations
from mia_crm.messages.repository import MessageRepository
from mia_crm.models import Contact, ContactTag, Conversation, ConversationStatus
from mia_crm.models.lead import Lead
from mia_crm.notes.repository import NoteRepository

__all__ = ["merge_contacts"]

SOURCE = "/services/crm"
_FILLED_IN = (
    "name",
    "phone",
    "channel_user_id",
    "email",
    "owner_user_id",
    "lifecycle_stage",
    "source",
    "language",
    "time_zone",
)
_LATEST = ("last_inbound_at", "last_outbound_at")
_SHOWN = ("name", "phone", "channel_user_id")
"""What the inbox shows of a conversation's contact."""


async def merge_contacts(
    session: AsyncSession,
    *,
    survivor: Contact,
    absorbed: Contact,
    contacts_topic: str,
    inbox_topic: str,
    now: datetime,
    actor_user_id: uuid.UUID | None = None,
) -> None:
    """Folds ``absorbed`` into ``survivor`` (both locked by the caller, one tenant);
    ``contact.merged`` (and a consent change of the survivor) go to ``contacts_topic``,
    the conversations' changes to ``inbox_topic``; ``actor_user_id``: who merged (None:
    the inbound path did)."""
    touched = await _move_conversations(session, survivor=survivor, absorbed=absorbed)
    await _move_tags(session, survivor=survivor, absorbed=absorbed)
    await merge_consent(
        session,
        tenant_id=survivor.tenant_id,
        survivor_id=survivor.id,
        absorbed_id=absorbed.id,
        contacts_topic=contacts_topic,
    )
    await _move_leads(session, survivor=survivor, absorbed=absorbed)

    kept: dict[str, Any] = {field: getattr(absorbed, field) for field in _FILLED_IN + _LATEST}
    fields = _merged_fields(survivor.fields or {}, absorbed.fields or {})
    # Deleted first: the survivor may take over its phone or user id, which are unique.
    await ContactRepository.from_session(session).delete(absorbed)
    changed = ["tags"]  # a superset is harmless; reading the tags twice is not free
    for field in _FILLED_IN:
        value = kept[field]
        if value is not None and getattr(survivor, field) is None:
            setattr(survivor, field, value)
            changed.append(field)
    for field in _LATEST:
        value = kept[field]
        current = getattr(survivor, field)
        if value is not None and (current is None or value > current):
            setattr(survivor, field, value)
    if fields != survivor.fields:
        changed += [f"fields.{key}" for key in fields if fields[key] != survivor.fields.get(key)]
        survivor.fields = fields
    await session.flush()
    if any(field in changed for field in _SHOWN):
        # The survivor looks different in the inbox: every thread of it is announced.
        everything = await ConversationRepository.from_session(session).of_contact(
            tenant_id=survivor.tenant_id, contact_id=survivor.id
        )
        touched += [ConversationRef.of(conversation) for conversation in everything]
    await announce_conversations(session, touched, topic=inbox_topic, occurred_at=now)

    await add_event(
        session,
        topic=contacts_topic,
        # The survivor's key: after the merge, its events and this one keep one order.
        key=str(survivor.id),
        event=Envelope[ContactsMerged](
            type="contact.merged",
            source=SOURCE,
            tenantid=survivor.tenant_id,
            subject=str(survivor.id),
            data=ContactsMerged(
                survivor_id=survivor.id,
                absorbed_id=absorbed.id,
                merged_by_user_id=actor_user_id,
                occurred_at=now,
            ),
        ),
    )
    # The survivor's new state, for consumers that keep a copy of contacts.
    await contact_changed(
        session,
        topic=contacts_topic,
        contact=survivor,
        changed=changed,
        actor_user_id=actor_user_id,
        occurred_at=now,
    )


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _merged_fields(survivor: dict[str, Any], absorbed: dict[str, Any]) -> dict[str, Any]:
    merged = dict(survivor)
    for key, value in absorbed.items():
        if _blank(merged.get(key)) and not _blank(value):
            merged[key] = value
    return merged


async def _move_conversations(
    session: AsyncSession, *, survivor: Contact, absorbed: Contact
) -> list[ConversationRef]:
    """Moves the absorbed contact's conversations; those that changed (re-pointed, taken
    in a thread, or joined into one and gone), as the inbox is to hear of them."""
    conversations = ConversationRepository.from_session(session)
    touched: list[ConversationRef] = []
    for moving in await conversations.of_contact(
        tenant_id=absorbed.tenant_id, contact_id=absorbed.id
    ):
        target = await conversations.find_for_update(
            tenant_id=survivor.tenant_id,
            contact_id=survivor.id,
            channel_account_id=moving.channel_account_id,
        )
        if target is None:
            moving.contact_id = survivor.id
            touched.append(ConversationRef.of(moving))
        else:
            # Named before the row goes; the thread lives on in ``target``.
            touched.append(ConversationRef.of(moving, contact_id=survivor.id))
            touched.append(ConversationRef.of(target))
            await _join_threads(session, target=target, moving=moving)
    await session.flush()
    return touched


async def _move_tags(session: AsyncSession, *, survivor: Contact, absorbed: Contact) -> None:
    """The survivor gets every tag of the absorbed contact it lacks; the absorbed contact's
    own rows go with it (ON DELETE CASCADE)."""
    carried = select(
        literal(survivor.id).label("contact_id"),
        ContactTag.tag_id,
        literal(survivor.tenant_id).label("tenant_id"),
    ).where(ContactTag.contact_id == absorbed.id)
    await session.execute(
        insert(ContactTag)
        .from_select(["contact_id", "tag_id", "tenant_id"], carried)
        .on_conflict_do_nothing()
    )


async def _move_leads(session: AsyncSession, *, survivor: Contact, absorbed: Contact) -> None:
    await session.execute(
        update(Lead)
        .where(Lead.tenant_id == absorbed.tenant_id, Lead.contact_id == absorbed.id)
        .values(contact_id=survivor.id)
        .execution_options(synchronize_session=False)
    )


async def _join_threads(
    session: AsyncSession, *, target: Conversation, moving: Conversation
) -> None:
    await MessageRepository.from_session(session).move_to_conversation(
        from_conversation_id=moving.id, to_conversation_id=target.id
    )
    await NoteRepository.from_session(session).move_to_conversation(
        from_conversation_id=moving.id, to_conversation_id=target.id
    )
    target.unread_count += moving.unread_count
    if moving.last_inbound_at is not None and (
        target.last_inbound_at is None or moving.last_inbound_at > target.last_inbound_at
    ):
        target.last_inbound_at = moving.last_inbound_at
    if moving.last_message_at > target.last_message_at:
        target.last_message_at = moving.last_message_at
        target.last_message_id = moving.last_message_id
        target.last_message_preview = moving.last_message_preview
        target.last_message_direction = moving.last_message_direction
    if target.assigned_user_id is None:
        target.assigned_user_id = moving.assigned_user_id
    if target.assigned_team_id is None:
        target.assigned_team_id = moving.assigned_team_id
    if moving.status == ConversationStatus.OPEN:
        target.status = ConversationStatus.OPEN
    # Leads linked to the moving thread follow it to the joined one.
    await session.execute(
        update(Lead)
        .where(Lead.conversation_id == moving.id)
        .values(conversation_id=target.id)
        .execution_options(synchronize_session=False)
    )
    await ConversationRepository.from_session(session).delete(moving)

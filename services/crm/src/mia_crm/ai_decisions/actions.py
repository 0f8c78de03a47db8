"""The persona's tools and lead progression, applied with the AI as the actor.

A tag the tenant lacks is created; a field is one of the contact's (name, email) or one of
the tenant's custom fields, checked as any write is (a value that does not fit is dropped,
logged, never half-written); a lead update moves the contact's open lead (the newest) or
opens one in that stage's pipeline, and the stage history records the AI, its confidence
and its reason.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import AiAction, AiActionKind, AiLeadUpdate
from mia_common.errors import AppError
from mia_crm.contacts.events import contact_changed
from mia_crm.contacts.service import default_country
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.conversations.service import change_status
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.custom_fields.validation import validate_values
from mia_crm.leads.schemas import LeadCreate
from mia_crm.leads.service import Actor, create_lead, move_lead
from mia_crm.models import Contact, ConversationStatus, Lead, PipelineStage
from mia_crm.models.lead import ActorKind
from mia_crm.models.pipeline import StageKind
from mia_crm.tags.repository import TagRepository

__all__ = ["apply_action", "apply_lead_update"]

logger = structlog.get_logger(__name__)

_AI = Actor(kind=ActorKind.AGENT, user_id=None)
_CORE_FIELDS = {"name": 256, "email": 320}
_TAG_COLOR = "#7c3aed"


async def apply_action(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    action: AiAction,
    contacts_topic: str,
    inbox_topic: str,
    now: datetime,
) -> None:
    if action.kind == AiActionKind.CLOSE_CONVERSATION:
        try:
            await change_status(
                session,
                tenant_id=tenant_id,
                conversation_id=action.conversation_id,
                status=ConversationStatus.CLOSED,
                inbox_topic=inbox_topic,
                now=now,
            )
        except AppError as refusal:
            logger.info("ai close refused", reason=refusal.detail)
        return
    contact = await _contact(session, tenant_id, action.contact_id)
    if contact is None:
        return
    if action.kind == AiActionKind.ADD_TAG and action.tag:
        await _tag(session, tenant_id, contact, action.tag, contacts_topic=contacts_topic, now=now)
    elif action.kind == AiActionKind.SET_FIELD and action.field_key:
        await _set_fields(
            session,
            tenant_id,
            contact,
            {action.field_key: action.field_value},
            contacts_topic=contacts_topic,
            now=now,
        )


async def apply_lead_update(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    update: AiLeadUpdate,
    users: GatewayUsers,
    contacts_topic: str,
    leads_topic: str,
    now: datetime,
) -> None:
    contact = await _contact(session, tenant_id, update.contact_id)
    if contact is None:
        return
    if update.fields:
        await _set_fields(
            session, tenant_id, contact, update.fields, contacts_topic=contacts_topic, now=now
        )
    if update.stage_id is None:
        return
    stage = await session.scalar(
        select(PipelineStage).where(
            PipelineStage.tenant_id == tenant_id, PipelineStage.id == update.stage_id
        )
    )
    if stage is None:
        logger.info("ai lead update names no stage of the tenant", stage=str(update.stage_id))
        return
    lead = await _open_lead(session, tenant_id, contact.id, update.lead_id)
    try:
        if lead is None:
            await create_lead(
                session,
                tenant_id=tenant_id,
                actor=_AI,
                body=LeadCreate(
                    contact_id=contact.id,
                    title=(contact.name or contact.phone or "Lead")[:200],
                    pipeline_id=stage.pipeline_id,
                    stage_id=stage.id,
                    conversation_id=update.conversation_id,
                    source="ai",
                ),
                users=users,
                identity_token="",
                leads_topic=leads_topic,
                now=now,
            )
        elif lead.stage_id != stage.id:
            await move_lead(
                session,
                tenant_id=tenant_id,
                actor=_AI,
                lead_id=lead.id,
                stage_id=stage.id,
                after_id=None,
                before_id=None,
                expected_version=None,
                reason=update.reason,
                confidence=update.confidence,
                lost_reason=update.reason if stage.kind == StageKind.LOST else None,
                leads_topic=leads_topic,
                now=now,
            )
    except AppError as refusal:
        logger.info("ai lead update refused", reason=refusal.detail)


async def _contact(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID
) -> Contact | None:
    return await session.scalar(
        select(Contact).where(Contact.tenant_id == tenant_id, Contact.id == contact_id)
    )


async def _open_lead(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID, lead_id: uuid.UUID | None
) -> Lead | None:
    query = (
        select(Lead)
        .join(PipelineStage, PipelineStage.id == Lead.stage_id)
        .where(
            Lead.tenant_id == tenant_id,
            Lead.contact_id == contact_id,
            PipelineStage.kind == StageKind.OPEN,
        )
        .order_by(Lead.id.desc())
        .limit(1)
    )
    if lead_id is not None:
        query = query.where(Lead.id == lead_id)
    return await session.scalar(query)


async def _tag(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    contact: Contact,
    name: str,
    *,
    contacts_topic: str,
    now: datetime,
) -> None:
    tags = TagRepository.from_session(session)
    name = " ".join(name.split())[:64]
    tag = await tags.by_name(tenant_id=tenant_id, name=name) or await tags.insert_unless_taken(
        tenant_id=tenant_id, name=name, color=_TAG_COLOR
    )
    if tag is None:  # another writer made it between the two statements
        tag = await tags.by_name(tenant_id=tenant_id, name=name)
    if tag is None:
        return
    added = await tags.add_to_contacts(
        tenant_id=tenant_id, contact_ids=[contact.id], tag_ids=[tag.id]
    )
    if added:
        await contact_changed(
            session,
            topic=contacts_topic,
            contact=contact,
            changed=["tags"],
            actor_user_id=None,
            occurred_at=now,
        )


async def _set_fields(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    contact: Contact,
    values: dict[str, Any],
    *,
    contacts_topic: str,
    now: datetime,
) -> None:
    changed: list[str] = []
    custom = {k: v for k, v in values.items() if k not in _CORE_FIELDS}
    for key, limit in _CORE_FIELDS.items():
        value = values.get(key)
        if isinstance(value, str) and value.strip() and getattr(contact, key) != value.strip():
            setattr(contact, key, value.strip()[:limit])
            changed.append(key)
    if custom:
        definitions = await CustomFieldRepository.from_session(session).of_tenant(
            tenant_id=tenant_id
        )
        known = {d.key for d in definitions}
        wanted = {k: v for k, v in custom.items() if k in known}
        try:
            checked = validate_values(
                definitions, wanted, region=await default_country(session, tenant_id)
            )
        except AppError as refusal:
            logger.info("ai field values refused", reason=refusal.detail)
            checked = {}
        if checked:
            contact.fields = {**contact.fields, **checked}
            changed.append("fields")
    if changed:
        await session.flush()
        await contact_changed(
            session,
            topic=contacts_topic,
            contact=contact,
            changed=changed,
            actor_user_id=None,
            occurred_at=now,
        )

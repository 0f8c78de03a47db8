"""What the team (and later the AI agent and automations) does to leads: create, edit,
move on the board, delete. Each real change bumps the lead's version and is announced on
``leads.events.v1``; one that leaves the lead as it was announces nothing.

Writers of a column hold its stage row (``FOR NO KEY UPDATE``) while they place a card:
a move, a new lead, a rebalance, a deleted stage's leads arriving. So the neighbours a
move names are checked against the column as no other writer can change it meanwhile,
and two moves into one gap cannot both take it: the second sees the first card between
its neighbours and gets 409 ``stale_position``. Moves into different gaps both land, and
no other card's key changes (except in a rebalance, which keeps the order).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from fractional_indexing import generate_n_keys_between
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts.leads import COLUMN_REBALANCED, LeadEventType, RebalancedLead
from mia_common.db.base import new_uuid7
from mia_common.identity import Role
from mia_crm.contacts.repository import ContactRepository
from mia_crm.contacts.service import default_country
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.custom_fields.validation import validate_values
from mia_crm.errors import ContactNotFound, ConversationNotFound
from mia_crm.leads.errors import (
    ConversationOfAnotherContact,
    InvalidNeighbour,
    LeadNotFound,
    LostReasonRequired,
    StalePosition,
    TagNotFound,
)
from mia_crm.leads.events import announce, lead_event, rebalance_events
from mia_crm.leads.ordering import key_between, needs_rebalance, spaced_keys
from mia_crm.leads.repository import LeadRepository, LeadRow
from mia_crm.leads.schemas import LeadCreate, LeadUpdate
from mia_crm.models.lead import ActorKind, Lead, LeadStageChange
from mia_crm.models.pipeline import PipelineStage, StageKind
from mia_crm.owners import check_owner, check_owner_change
from mia_crm.pipelines.defaults import ensure_default
from mia_crm.pipelines.errors import PipelineNotFound, StageNotFound
from mia_crm.pipelines.repository import Lock, PipelineRepository

__all__ = [
    "Actor",
    "create_lead",
    "delete_lead",
    "lead_row",
    "move_lead",
    "move_stage_leads",
    "rebalance_column",
    "update_lead",
]

REBALANCED = COLUMN_REBALANCED
"""The type of the events announcing a rebalanced column (every card of the column got a
new key and version: the board applies them or refetches the column they name)."""


class Actor:
    """Who changes a lead: a user (the API's callers), the AI agent or an automation.

    ``role`` is the user's (who may set whom as the owner: ``mia_crm.owners``); an actor
    without one is held to the agent's rule."""

    __slots__ = ("kind", "role", "user_id")

    def __init__(
        self,
        *,
        kind: ActorKind = ActorKind.USER,
        user_id: uuid.UUID | None,
        role: Role | None = None,
    ) -> None:
        self.kind = kind
        self.user_id = user_id
        self.role = role


async def lead_row(
    session: AsyncSession, *, tenant_id: uuid.UUID, lead_id: uuid.UUID, now: datetime
) -> LeadRow:
    row = await LeadRepository.from_session(session).row(
        tenant_id=tenant_id, lead_id=lead_id, now=now
    )
    if row is None:
        raise LeadNotFound(f"no lead {lead_id}")
    return row


# --- create, edit, delete ------------------------------------------------------------------


async def create_lead(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    body: LeadCreate,
    users: GatewayUsers,
    identity_token: str,
    leads_topic: str,
    now: datetime,
) -> Lead:
    leads = LeadRepository.from_session(session)
    await _check_contact(session, tenant_id, body.contact_id)
    if body.conversation_id is not None:
        await _check_conversation(session, tenant_id, body.conversation_id, body.contact_id)
    await _check_tags(leads, tenant_id, body.tag_ids)
    fields = await _checked_fields(session, tenant_id, body.fields)
    # The role's rule (403), then the gateway, before any row is locked.
    await check_owner(
        role=actor.role,
        user_id=actor.user_id,
        tenant_id=tenant_id,
        holder=None,
        owner=body.owner_user_id,
        users=users,
        identity_token=identity_token,
    )
    stage = await _stage_for_new_lead(session, tenant_id, body.pipeline_id, body.stage_id)
    if stage.kind == StageKind.LOST and body.lost_reason is None:
        raise LostReasonRequired("a lead in a lost stage needs a lost_reason")
    top = await leads.first_position(tenant_id=tenant_id, stage_id=stage.id)
    lead = Lead(
        tenant_id=tenant_id,
        pipeline_id=stage.pipeline_id,
        stage_id=stage.id,
        contact_id=body.contact_id,
        conversation_id=body.conversation_id,
        title=body.title,
        value=body.value,
        currency=body.currency.value,
        owner_user_id=body.owner_user_id,
        expected_close_on=body.expected_close_on,
        source=body.source,
        fields={key: value for key, value in fields.items() if value is not None},
        lost_reason=body.lost_reason,
        stage_entered_at=now,
        # New cards go on top of their column.
        position=key_between(None, top),
        version=1,
    )
    await leads.add(lead)
    rebalanced: list[RebalancedLead] = []
    if needs_rebalance(lead.position):
        rebalanced = await rebalance_column(leads, tenant_id=tenant_id, stage_id=stage.id)
        lead = await _reload(leads, tenant_id, lead.id)
    await leads.set_tags(tenant_id=tenant_id, lead_id=lead.id, tag_ids=set(body.tag_ids))
    await leads.add_change(
        LeadStageChange(
            tenant_id=tenant_id,
            lead_id=lead.id,
            from_stage_id=None,
            to_stage_id=stage.id,
            actor_kind=actor.kind.value,
            actor_user_id=actor.user_id,
            at=now,
        )
    )
    events = [
        lead_event(
            topic=leads_topic,
            type="lead.created",
            lead=lead,
            occurred_at=now,
            actor_user_id=actor.user_id,
        )
    ]
    if rebalanced:
        events += rebalance_events(
            topic=leads_topic,
            tenant_id=tenant_id,
            pipeline_id=lead.pipeline_id,
            stage_id=stage.id,
            leads=rebalanced,
            occurred_at=now,
            actor_user_id=actor.user_id,
        )
    await announce(session, events)
    return lead


_SIMPLE_FIELDS = (
    "title",
    "value",
    "owner_user_id",
    "expected_close_on",
    "source",
    "lost_reason",
    "conversation_id",
    "contact_id",
)


async def update_lead(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    lead_id: uuid.UUID,
    body: LeadUpdate,
    users: GatewayUsers,
    identity_token: str,
    leads_topic: str,
    now: datetime,
) -> Lead:
    leads = LeadRepository.from_session(session)
    given = body.model_fields_set
    current = await leads.get(tenant_id=tenant_id, lead_id=lead_id)
    if current is None:
        raise LeadNotFound(f"no lead {lead_id}")
    changes: dict[str, Any] = {
        name: getattr(body, name) for name in _SIMPLE_FIELDS if name in given
    }
    if "currency" in given and body.currency is not None:
        changes["currency"] = body.currency.value
    contact_id = changes.get("contact_id", current.contact_id)
    if "contact_id" in changes:
        await _check_contact(session, tenant_id, contact_id)
    conversation_id = changes.get("conversation_id", current.conversation_id)
    if conversation_id is not None and ({"conversation_id", "contact_id"} & changes.keys()):
        await _check_conversation(session, tenant_id, conversation_id, contact_id)
    if body.tag_ids is not None:
        await _check_tags(leads, tenant_id, body.tag_ids)
    fields_given = await _checked_fields(session, tenant_id, body.fields or {})
    if "owner_user_id" in changes:
        await check_owner(
            role=actor.role,
            user_id=actor.user_id,
            tenant_id=tenant_id,
            holder=current.owner_user_id,
            owner=changes["owner_user_id"],
            users=users,
            identity_token=identity_token,
        )

    lead = await _lock_lead(leads, tenant_id, lead_id, body.expected_version)
    if "owner_user_id" in changes:
        # Again under the lock: someone may have taken the lead while the gateway answered.
        check_owner_change(
            role=actor.role,
            user_id=actor.user_id,
            holder=lead.owner_user_id,
            owner=changes["owner_user_id"],
        )
    stage = await PipelineRepository.from_session(session).stage(
        tenant_id=tenant_id, stage_id=lead.stage_id
    )
    changed = False
    for name, value in changes.items():
        if getattr(lead, name) != value:
            setattr(lead, name, value)
            changed = True
    if stage is not None and stage.kind == StageKind.LOST and lead.lost_reason is None:
        raise LostReasonRequired("a lead in a lost stage keeps a lost_reason")
    if fields_given:
        merged = {**lead.fields, **fields_given}
        merged = {key: value for key, value in merged.items() if value is not None}
        if merged != lead.fields:
            lead.fields = merged
            changed = True
    if body.tag_ids is not None:
        wanted = set(body.tag_ids)
        if wanted != await leads.tag_ids_of(lead.id):
            await leads.set_tags(tenant_id=tenant_id, lead_id=lead.id, tag_ids=wanted)
            changed = True
    if changed:
        lead.version += 1
        await session.flush()
        await announce(
            session,
            [
                lead_event(
                    topic=leads_topic,
                    type="lead.updated",
                    lead=lead,
                    occurred_at=now,
                    actor_user_id=actor.user_id,
                )
            ],
        )
    return lead


async def delete_lead(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    lead_id: uuid.UUID,
    leads_topic: str,
    now: datetime,
) -> None:
    leads = LeadRepository.from_session(session)
    lead = await _lock_lead(leads, tenant_id, lead_id, None)
    event = lead_event(
        topic=leads_topic,
        type="lead.deleted",
        lead=lead,
        occurred_at=now,
        actor_user_id=actor.user_id,
    )
    await leads.delete(lead)
    await announce(session, [event])


# --- moves ----------------------------------------------------------------------------------


async def move_lead(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    lead_id: uuid.UUID,
    stage_id: uuid.UUID,
    after_id: uuid.UUID | None,
    before_id: uuid.UUID | None,
    expected_version: int | None,
    reason: str | None,
    confidence: float | None,
    lost_reason: str | None,
    leads_topic: str,
    now: datetime,
) -> Lead:
    """Put the lead in ``stage_id`` right below ``after_id`` and above ``before_id``.

    Refused with 409 ``stale_position`` when the lead's version is not
    ``expected_version``, or when the neighbours are not next to each other in that
    column any more (one was moved away, or a card now sits between them).
    """
    if lead_id in (after_id, before_id):
        raise InvalidNeighbour("a lead cannot be its own neighbour")
    if after_id is not None and after_id == before_id:
        raise InvalidNeighbour("after_id and before_id name the same lead")
    leads = LeadRepository.from_session(session)
    # The column first (every writer of a column takes it first), then the cards.
    stage = await PipelineRepository.from_session(session).stage(
        tenant_id=tenant_id, stage_id=stage_id, lock=Lock.NO_KEY_UPDATE
    )
    if stage is None:
        raise StageNotFound(f"no stage {stage_id}")
    # The card and its neighbours in one statement, in id order: two moves that name each
    # other's card as a neighbour lock them in the same order (no deadlock).
    wanted = {i for i in (after_id, before_id) if i is not None}
    found = {
        n.id: n for n in await leads.lock_many(tenant_id=tenant_id, lead_ids={lead_id, *wanted})
    }
    if lead_id not in found:
        raise LeadNotFound(f"no lead {lead_id}")
    if missing := wanted - found.keys():
        raise LeadNotFound(f"no lead {min(missing)}")
    lead = found[lead_id]
    if expected_version is not None and lead.version != expected_version:
        raise StalePosition(
            f"the lead changed since (version {lead.version}, not {expected_version})",
            version=lead.version,
        )
    after = found.get(after_id) if after_id is not None else None
    before = found.get(before_id) if before_id is not None else None
    for neighbour in (after, before):
        if neighbour is not None and neighbour.stage_id != stage.id:
            raise StalePosition(
                f"lead {neighbour.id} is no longer in that column", lead_id=str(neighbour.id)
            )
    if after is not None and before is not None and not after.position < before.position:
        raise StalePosition("after_id is no longer above before_id")
    if stage.kind == StageKind.LOST and lost_reason is None and lead.lost_reason is None:
        raise LostReasonRequired("moving a lead to a lost stage needs a lost_reason")

    low = after.position if after is not None else None
    high = before.position if before is not None else None
    if after is None and before is None:
        # No neighbours named: the bottom of the column.
        low = await leads.last_position(tenant_id=tenant_id, stage_id=stage.id, besides=lead.id)
    elif await leads.any_between(
        tenant_id=tenant_id, stage_id=stage.id, low=low, high=high, besides=lead.id
    ):
        raise StalePosition("the neighbours are no longer next to each other in that column")

    from_stage_id = lead.stage_id
    stays = (
        from_stage_id == stage.id
        and (low is None or lead.position > low)
        and (high is None or lead.position < high)
    )
    new_lost_reason = (lost_reason or lead.lost_reason) if stage.kind == StageKind.LOST else None
    if stays and new_lost_reason == lead.lost_reason:
        return lead
    if not stays:
        lead.position = key_between(low, high)
    if from_stage_id != stage.id:
        lead.stage_id = stage.id
        lead.pipeline_id = stage.pipeline_id
        lead.stage_entered_at = now
    lead.lost_reason = new_lost_reason
    lead.version += 1
    await session.flush()

    if from_stage_id != stage.id:
        await leads.add_change(
            LeadStageChange(
                tenant_id=tenant_id,
                lead_id=lead.id,
                from_stage_id=from_stage_id,
                to_stage_id=stage.id,
                actor_kind=actor.kind.value,
                actor_user_id=actor.user_id,
                reason=reason,
                confidence=confidence,
                at=now,
            )
        )
    rebalanced: list[RebalancedLead] = []
    if needs_rebalance(lead.position):
        rebalanced = await rebalance_column(leads, tenant_id=tenant_id, stage_id=stage.id)
        lead = await _reload(leads, tenant_id, lead.id)
    events = [
        lead_event(
            topic=leads_topic,
            type=_move_event_type(stage, changed_stage=from_stage_id != stage.id),
            lead=lead,
            occurred_at=now,
            from_stage_id=from_stage_id if from_stage_id != stage.id else None,
            actor_user_id=actor.user_id,
            reason=reason,
            confidence=confidence,
        )
    ]
    if rebalanced:
        events += rebalance_events(
            topic=leads_topic,
            tenant_id=tenant_id,
            pipeline_id=stage.pipeline_id,
            stage_id=stage.id,
            leads=rebalanced,
            occurred_at=now,
            actor_user_id=actor.user_id,
        )
    await announce(session, events)
    return lead


def _move_event_type(stage: PipelineStage, *, changed_stage: bool) -> LeadEventType:
    if not changed_stage:
        return "lead.updated"
    if stage.kind == StageKind.WON:
        return "lead.won"
    if stage.kind == StageKind.LOST:
        return "lead.lost"
    return "lead.stage_changed"


async def rebalance_column(
    leads: LeadRepository, *, tenant_id: uuid.UUID, stage_id: uuid.UUID
) -> list[RebalancedLead]:
    """Rewrite the column's keys short and evenly spaced, in the order they had, bumping
    every card's version; the caller holds the column (its stage row). The cards' new
    keys and versions, top to bottom."""
    ids = await leads.column_ids_for_update(tenant_id=tenant_id, stage_id=stage_id)
    rows = await leads.rewrite_positions(
        tenant_id=tenant_id, ids=ids, positions=spaced_keys(len(ids))
    )
    return [
        RebalancedLead(id=id_, position=position, version=version)
        for id_, position, version in rows
    ]


async def move_stage_leads(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    from_stage: PipelineStage,
    to_stage: PipelineStage,
    leads_topic: str,
    now: datetime,
) -> int:
    """Every lead of ``from_stage`` (held ``FOR UPDATE`` by the caller, who deletes it) to
    the bottom of ``to_stage``, in the order they had; how many moved."""
    leads = LeadRepository.from_session(session)
    await PipelineRepository.from_session(session).stage(
        tenant_id=tenant_id, stage_id=to_stage.id, lock=Lock.NO_KEY_UPDATE
    )
    ids = await leads.column_ids_for_update(tenant_id=tenant_id, stage_id=from_stage.id)
    if not ids:
        return 0
    last = await leads.last_position(tenant_id=tenant_id, stage_id=to_stage.id)
    positions = list(generate_n_keys_between(last, None, len(ids)))
    reason = f"stage {from_stage.name} deleted"
    await leads.move_column(
        tenant_id=tenant_id,
        from_stage_id=from_stage.id,
        to_stage=to_stage,
        ids=ids,
        positions=positions,
        lost_reason=reason if to_stage.kind == StageKind.LOST else None,
    )
    await leads.add_changes(
        [
            {
                "id": new_uuid7(),
                "tenant_id": tenant_id,
                "lead_id": lead_id,
                "from_stage_id": from_stage.id,
                "to_stage_id": to_stage.id,
                "actor_kind": actor.kind.value,
                "actor_user_id": actor.user_id,
                "reason": reason,
                "at": now,
            }
            for lead_id in ids
        ]
    )
    kind = _move_event_type(to_stage, changed_stage=True)
    moved = await leads.leads_by_ids(tenant_id=tenant_id, ids=ids)
    await announce(
        session,
        [
            lead_event(
                topic=leads_topic,
                type=kind,
                lead=lead,
                occurred_at=now,
                from_stage_id=from_stage.id,
                actor_user_id=actor.user_id,
                reason=reason,
            )
            for lead in moved
        ],
    )
    return len(ids)


# --- checks ---------------------------------------------------------------------------------


async def _lock_lead(
    leads: LeadRepository, tenant_id: uuid.UUID, lead_id: uuid.UUID, expected_version: int | None
) -> Lead:
    lead = await leads.get(tenant_id=tenant_id, lead_id=lead_id, for_update=True)
    if lead is None:
        raise LeadNotFound(f"no lead {lead_id}")
    if expected_version is not None and lead.version != expected_version:
        raise StalePosition(
            f"the lead changed since (version {lead.version}, not {expected_version})",
            version=lead.version,
        )
    return lead


async def _reload(leads: LeadRepository, tenant_id: uuid.UUID, lead_id: uuid.UUID) -> Lead:
    [lead] = await leads.leads_by_ids(tenant_id=tenant_id, ids=[lead_id])
    return lead


async def _stage_for_new_lead(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    pipeline_id: uuid.UUID | None,
    stage_id: uuid.UUID | None,
) -> PipelineStage:
    """The stage a new lead enters, held as a column writer holds it."""
    pipelines = PipelineRepository.from_session(session)
    if stage_id is not None:
        stage = await pipelines.stage(
            tenant_id=tenant_id, stage_id=stage_id, lock=Lock.NO_KEY_UPDATE
        )
        if stage is None or (pipeline_id is not None and stage.pipeline_id != pipeline_id):
            raise StageNotFound(f"no stage {stage_id} in that pipeline")
        return stage
    if pipeline_id is None:
        pipeline_id = (await ensure_default(session, tenant_id)).id
    elif await pipelines.get(tenant_id=tenant_id, pipeline_id=pipeline_id) is None:
        raise PipelineNotFound(f"no pipeline {pipeline_id}")
    stages = (await pipelines.stages_of(tenant_id=tenant_id, pipeline_ids=[pipeline_id]))[
        pipeline_id
    ]
    first = next((s for s in stages if s.kind == StageKind.OPEN), stages[0])
    stage = await pipelines.stage(tenant_id=tenant_id, stage_id=first.id, lock=Lock.NO_KEY_UPDATE)
    if stage is None:
        raise StageNotFound(f"no stage {first.id}")
    return stage


async def _check_contact(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID
) -> None:
    contact = await ContactRepository.from_session(session).get(
        tenant_id=tenant_id, contact_id=contact_id
    )
    if contact is None:
        raise ContactNotFound(f"no contact {contact_id}")


async def _check_conversation(
    session: AsyncSession, tenant_id: uuid.UUID, conversation_id: uuid.UUID, contact_id: uuid.UUID
) -> None:
    conversation = await ConversationRepository.from_session(session).get(
        tenant_id=tenant_id, conversation_id=conversation_id
    )
    if conversation is None:
        raise ConversationNotFound(f"no conversation {conversation_id}")
    if conversation.contact_id != contact_id:
        raise ConversationOfAnotherContact(
            f"conversation {conversation_id} is another contact's", field="conversation_id"
        )


async def _check_tags(
    leads: LeadRepository, tenant_id: uuid.UUID, tag_ids: Collection[uuid.UUID]
) -> None:
    wanted = set(tag_ids)
    if missing := wanted - await leads.existing_tags(tenant_id=tenant_id, tag_ids=wanted):
        raise TagNotFound(f"no tag {min(missing)}", tag_id=str(min(missing)))


async def _checked_fields(
    session: AsyncSession, tenant_id: uuid.UUID, values: Mapping[str, Any]
) -> dict[str, Any]:
    """The custom field values as stored (None: remove), checked against the tenant's
    definitions (the contacts' custom fields)."""
    if not values:
        return {}
    # Live definitions only: a field being deleted takes no new values.
    definitions = await CustomFieldRepository.from_session(session).of_tenant(tenant_id=tenant_id)
    # A phone written without + is read in the tenant's country, as on contacts.
    return validate_values(definitions, values, region=await default_country(session, tenant_id))

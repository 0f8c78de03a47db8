"""A lead as the API shows it: from a repository row to the card or the whole lead."""

from __future__ import annotations

from typing import Any

from mia_crm.custom_fields.repository import visible_fields
from mia_crm.leads.repository import LeadRow
from mia_crm.leads.schemas import LeadCard, LeadContact, LeadOut, LeadTagOut

__all__ = ["card_of", "lead_of"]


def _card_fields(row: LeadRow) -> dict[str, Any]:
    lead = row.lead
    return {
        "id": lead.id,
        "pipeline_id": lead.pipeline_id,
        "stage_id": lead.stage_id,
        "title": lead.title,
        "contact_id": lead.contact_id,
        "contact": LeadContact(id=lead.contact_id, name=row.contact_name, phone=row.contact_phone),
        "conversation_id": lead.conversation_id,
        "value": lead.value,
        "currency": lead.currency,
        "owner_user_id": lead.owner_user_id,
        "expected_close_on": lead.expected_close_on,
        "tags": [LeadTagOut(id=i, name=name, color=color) for i, name, color in row.tags],
        "lost_reason": lead.lost_reason,
        "position": lead.position,
        "version": lead.version,
        "stage_entered_at": lead.stage_entered_at,
        "rotting": row.rotting,
    }


def card_of(row: LeadRow) -> LeadCard:
    return LeadCard(**_card_fields(row))


def lead_of(row: LeadRow) -> LeadOut:
    lead = row.lead
    return LeadOut(
        **_card_fields(row),
        source=lead.source,
        fields=visible_fields(lead),
        created_at=lead.created_at,
        updated_at=lead.updated_at,
    )

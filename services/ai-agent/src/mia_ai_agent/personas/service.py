"""The rules of personas: one persona per number, knowledge bases of the same company,
edits that name the version they saw."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.models.persona import Persona
from mia_ai_agent.personas.errors import (
    ChannelAccountTaken,
    KnowledgeBaseUnknown,
    PersonaInvalid,
    PersonaNotFound,
    PersonaVersionStale,
)
from mia_ai_agent.personas.repository import PersonaRepository
from mia_ai_agent.personas.schemas import PersonaCreate, PersonaUpdate

__all__ = ["create_persona", "delete_persona", "get_persona", "update_persona"]


async def get_persona(
    session: AsyncSession, *, tenant_id: uuid.UUID, persona_id: uuid.UUID
) -> Persona:
    persona = await PersonaRepository.from_session(session).get(
        tenant_id=tenant_id, persona_id=persona_id
    )
    if persona is None:
        raise PersonaNotFound(f"no persona {persona_id}")
    return persona


async def create_persona(
    session: AsyncSession, *, tenant_id: uuid.UUID, user_id: uuid.UUID, body: PersonaCreate
) -> Persona:
    values = body.model_dump(mode="python")
    await _check(session, tenant_id=tenant_id, persona_id=None, values=values)
    persona = Persona(
        tenant_id=tenant_id, created_by_user_id=user_id, version=1, **_columns(values)
    )
    session.add(persona)
    await session.flush()
    await session.refresh(persona)
    return persona


async def update_persona(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    persona_id: uuid.UUID,
    body: PersonaUpdate,
) -> Persona:
    persona = await PersonaRepository.from_session(session).get(
        tenant_id=tenant_id, persona_id=persona_id, for_update=True
    )
    if persona is None:
        raise PersonaNotFound(f"no persona {persona_id}")
    if body.version is not None and body.version != persona.version:
        raise PersonaVersionStale(
            f"the persona is at version {persona.version}, not {body.version}; reload it",
            version=persona.version,
        )
    changes = body.changes()
    merged = {
        "enabled": persona.enabled,
        "channel_account_ids": list(persona.channel_account_ids),
        "knowledge_base_ids": list(persona.knowledge_base_ids),
        "min_delay_seconds": persona.min_delay_seconds,
        "max_delay_seconds": persona.max_delay_seconds,
        **changes,
    }
    if merged["min_delay_seconds"] > merged["max_delay_seconds"]:
        raise PersonaInvalid("min_delay_seconds must not exceed max_delay_seconds")
    await _check(session, tenant_id=tenant_id, persona_id=persona.id, values=merged)
    for key, value in _columns(changes).items():
        setattr(persona, key, value)
    persona.version += 1
    await session.flush()
    await session.refresh(persona)
    return persona


async def delete_persona(
    session: AsyncSession, *, tenant_id: uuid.UUID, persona_id: uuid.UUID, now: datetime
) -> None:
    """Kept as deleted, so the inbox's "why" panels still name who answered."""
    persona = await PersonaRepository.from_session(session).get(
        tenant_id=tenant_id, persona_id=persona_id, for_update=True
    )
    if persona is None:
        raise PersonaNotFound(f"no persona {persona_id}")
    persona.deleted_at = now
    persona.enabled = False
    await session.flush()


async def _check(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    persona_id: uuid.UUID | None,
    values: dict[str, Any],
) -> None:
    personas = PersonaRepository.from_session(session)
    wanted: Sequence[uuid.UUID] = values.get("knowledge_base_ids") or []
    missing = set(wanted) - await personas.known_knowledge_bases(tenant_id=tenant_id, ids=wanted)
    if missing:
        raise KnowledgeBaseUnknown(
            "no such knowledge base in this company: " + ", ".join(sorted(map(str, missing)))
        )
    if values.get("enabled", True):
        numbers = values.get("channel_account_ids") or []
        taken = await personas.others_serving(
            tenant_id=tenant_id, channel_account_ids=numbers, besides=persona_id
        )
        if taken:
            name, ids = taken[0]
            shared = sorted(str(i) for i in set(ids) & set(numbers))
            raise ChannelAccountTaken(
                f"persona {name!r} already answers on {', '.join(shared)}; a number has one"
                " persona (disable the other first)",
                channel_account_ids=shared,
            )


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    """API values as the table stores them (nested models as JSON)."""
    out = dict(values)
    if "business_hours" in out and out["business_hours"] is not None:
        hours = out["business_hours"]
        out["business_hours"] = hours if isinstance(hours, dict) else hours.model_dump()
    if "stage_rules" in out:
        out["stage_rules"] = [
            {"stage_id": str(rule["stage_id"]), "keywords": list(rule["keywords"])}
            if isinstance(rule, dict)
            else {"stage_id": str(rule.stage_id), "keywords": list(rule.keywords)}
            for rule in out["stage_rules"]
        ]
    return out

"""``/api/v1/ai/personas``: who answers the company's customers, and how."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from mia_ai_agent.identity import Caller, Manager
from mia_ai_agent.models.persona import Persona
from mia_ai_agent.personas.schemas import PersonaCreate, PersonaOut, PersonaUpdate
from mia_ai_agent.personas.service import (
    create_persona,
    delete_persona,
    get_persona,
    update_persona,
)
from mia_common.db.requests import SessionDep
from mia_common.db.search import contains
from mia_common.pagination import CursorParam, Limit, Page, PageParams, fetch_page
from mia_common.text import ApiStr

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/ai/personas", tags=["personas"])


@router.post(
    "",
    response_model=PersonaOut,
    status_code=201,
    summary="Create a persona",
    description="409 `channel_account_taken` when another enabled persona answers on one of"
    " the numbers; 422 `knowledge_base_unknown` for a knowledge base of another company.",
)
async def create(body: PersonaCreate, caller: Manager, session: SessionDep) -> PersonaOut:
    persona = await create_persona(
        session, tenant_id=caller.tenant_id, user_id=caller.user_id, body=body
    )
    return PersonaOut.of(persona)


@router.get("", response_model=Page[PersonaOut], summary="Personas, newest first")
async def list_personas(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    q: Annotated[ApiStr | None, Query(max_length=200, description="part of the name")] = None,
    channel_account_id: Annotated[
        uuid.UUID | None, Query(description="serving this number")
    ] = None,
) -> Page[PersonaOut]:
    query = select(Persona).where(
        Persona.tenant_id == caller.tenant_id, Persona.deleted_at.is_(None)
    )
    if q:
        query = query.where(contains(Persona.name, q))
    if channel_account_id is not None:
        query = query.where(Persona.channel_account_ids.contains([channel_account_id]))
    rows, next_cursor = await fetch_page(
        session, query, PageParams(limit=limit, cursor=cursor), keys=[Persona.id], newest_first=True
    )
    return Page(items=[PersonaOut.of(row) for row in rows], next_cursor=next_cursor)


@router.get("/{persona_id}", response_model=PersonaOut)
async def read(persona_id: uuid.UUID, caller: Caller, session: SessionDep) -> PersonaOut:
    return PersonaOut.of(
        await get_persona(session, tenant_id=caller.tenant_id, persona_id=persona_id)
    )


@router.patch(
    "/{persona_id}",
    response_model=PersonaOut,
    summary="Change some fields",
    description="409 `persona_version_stale` when `version` is given and is not the current one.",
)
async def edit(
    persona_id: uuid.UUID, body: PersonaUpdate, caller: Manager, session: SessionDep
) -> PersonaOut:
    persona = await update_persona(
        session, tenant_id=caller.tenant_id, persona_id=persona_id, body=body
    )
    return PersonaOut.of(persona)


@router.delete("/{persona_id}", status_code=204, response_class=Response)
async def delete(persona_id: uuid.UUID, caller: Manager, session: SessionDep) -> Response:
    await delete_persona(
        session, tenant_id=caller.tenant_id, persona_id=persona_id, now=datetime.now(UTC)
    )
    return Response(status_code=204)

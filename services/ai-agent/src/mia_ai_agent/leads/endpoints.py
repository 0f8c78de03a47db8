"""``/api/v1/ai/lead-suggestions``: the AI's readings of leads below the confidence
threshold, shown on the card; accepting one applies it through the crm (one click)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select

from mia_ai_agent.context import ContextDep
from mia_ai_agent.conversations.events import decision_event
from mia_ai_agent.errors import AiAgentError
from mia_ai_agent.identity import Caller
from mia_ai_agent.leads.schemas import LeadSuggestionOut
from mia_ai_agent.models.lead_suggestion import LeadSuggestion
from mia_common.contracts import AiLeadUpdate
from mia_common.db.base import new_uuid7
from mia_common.db.requests import SessionDep
from mia_common.outbox import add_events
from mia_common.pagination import CursorParam, Limit, Page, PageParams, fetch_page

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/ai/lead-suggestions", tags=["lead suggestions"])


class SuggestionNotFound(AiAgentError):
    status_code = 404
    title = "No such suggestion"
    code = "suggestion_not_found"


class SuggestionDecided(AiAgentError):
    status_code = 409
    title = "The suggestion was decided already"
    code = "suggestion_decided"


@router.get("", response_model=Page[LeadSuggestionOut], summary="Suggestions, newest first")
async def list_suggestions(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    contact_id: Annotated[uuid.UUID | None, Query()] = None,
    status: Annotated[
        Literal["pending", "accepted", "dismissed", "superseded"] | None, Query()
    ] = "pending",
) -> Page[LeadSuggestionOut]:
    query = select(LeadSuggestion).where(LeadSuggestion.tenant_id == caller.tenant_id)
    if contact_id is not None:
        query = query.where(LeadSuggestion.contact_id == contact_id)
    if status is not None:
        query = query.where(LeadSuggestion.status == status)
    rows, next_cursor = await fetch_page(
        session,
        query,
        PageParams(limit=limit, cursor=cursor),
        keys=[LeadSuggestion.id],
        newest_first=True,
    )
    return Page(items=[LeadSuggestionOut.of(row) for row in rows], next_cursor=next_cursor)


async def _pending(session: SessionDep, caller: Caller, suggestion_id: uuid.UUID) -> LeadSuggestion:
    row = await session.scalar(
        select(LeadSuggestion)
        .where(LeadSuggestion.id == suggestion_id, LeadSuggestion.tenant_id == caller.tenant_id)
        .with_for_update()
    )
    if row is None:
        raise SuggestionNotFound(f"no suggestion {suggestion_id}")
    if row.status != "pending":
        raise SuggestionDecided(f"the suggestion is {row.status}", decided=row.status)
    return row


@router.post(
    "/{suggestion_id}/accept",
    response_model=LeadSuggestionOut,
    summary="Apply it: the crm moves the lead and sets the fields",
)
async def accept(
    suggestion_id: uuid.UUID, caller: Caller, session: SessionDep, context: ContextDep
) -> LeadSuggestionOut:
    row = await _pending(session, caller, suggestion_id)
    row.status = "accepted"
    row.decided_by_user_id = caller.user_id
    update = AiLeadUpdate(
        update_id=new_uuid7(),
        run_id=row.run_id,
        persona_id=row.persona_id,
        conversation_id=row.conversation_id,
        contact_id=row.contact_id,
        stage_id=row.stage_id,
        score=row.score,
        fields=row.fields,
        confidence=row.confidence,
        reason=f"accepted by a person: {row.reason}"[:500],
        occurred_at=datetime.now(UTC),
    )
    await add_events(
        session,
        [decision_event(topic=context.settings.ai_topic, tenant_id=caller.tenant_id, data=update)],
    )
    await session.flush()
    return LeadSuggestionOut.of(row)


@router.post("/{suggestion_id}/dismiss", response_model=LeadSuggestionOut)
async def dismiss(
    suggestion_id: uuid.UUID, caller: Caller, session: SessionDep
) -> LeadSuggestionOut:
    row = await _pending(session, caller, suggestion_id)
    row.status = "dismissed"
    row.decided_by_user_id = caller.user_id
    await session.flush()
    return LeadSuggestionOut.of(row)

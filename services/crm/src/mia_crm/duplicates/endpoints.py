"""``/api/v1/duplicates``: merge suggestions for contacts that look like one person, and merges."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, status

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page
from mia_crm.contacts.schemas import ContactOut
from mia_crm.context import ContextDep
from mia_crm.duplicates.schemas import DismissRequest, DuplicatePair, MergeRequest
from mia_crm.duplicates.service import dismiss_pair, merge_pair, suggestion_page
from mia_crm.identity import Caller

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/duplicates", tags=["duplicates"])


@router.get(
    "",
    response_model=Page[DuplicatePair],
    summary="Pairs of contacts that look like one person, with the reason",
)
async def list_duplicates(
    caller: Caller, session: SessionDep, limit: Limit = 50, cursor: CursorParam = None
) -> Page[DuplicatePair]:
    pairs, next_cursor = await suggestion_page(
        session, tenant_id=caller.tenant_id, cursor=cursor, limit=limit
    )
    return Page(
        items=[
            DuplicatePair(reason=reason, a=ContactOut.of(a), b=ContactOut.of(b))
            for reason, a, b in pairs
        ],
        next_cursor=next_cursor,
    )


@router.post(
    "/merge",
    response_model=ContactOut,
    summary="Fold one contact into another: conversations, tags, fields, consent, leads",
)
async def merge(
    body: MergeRequest, caller: Caller, session: SessionDep, context: ContextDep
) -> ContactOut:
    survivor = await merge_pair(
        session,
        tenant_id=caller.tenant_id,
        survivor_id=body.survivor_id,
        absorbed_id=body.absorbed_id,
        actor_user_id=caller.user_id,
        contacts_topic=context.settings.contacts_topic,
        inbox_topic=context.settings.inbox_topic,
        now=datetime.now(UTC),
    )
    return ContactOut.of(survivor)


@router.post(
    "/dismiss",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Two contacts are not one person: never suggest them together again",
)
async def dismiss(body: DismissRequest, caller: Caller, session: SessionDep) -> None:
    await dismiss_pair(
        session, tenant_id=caller.tenant_id, a=body.a, b=body.b, user_id=caller.user_id
    )

"""Reading the audit log of one's own company."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from mia_common.db.requests import SessionDep
from mia_common.pagination import Page, PageQuery, fetch_page
from mia_gateway.auth.principal import AdminPrincipal
from mia_gateway.models import AuditEvent

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditEventOut(BaseModel):
    id: uuid.UUID
    action: str
    actor_id: uuid.UUID | None
    actor_kind: str
    target: str | None
    ip: str | None
    details: dict[str, Any]
    occurred_at: datetime


@router.get(
    "", response_model=Page[AuditEventOut], summary="Security-relevant actions, newest first"
)
async def list_audit(
    principal: AdminPrincipal, session: SessionDep, page: PageQuery, action: str | None = None
) -> Page[AuditEventOut]:
    query = select(AuditEvent).where(AuditEvent.tenant_id == principal.tenant_id)
    if action:
        query = query.where(AuditEvent.action == action)
    rows, cursor = await fetch_page(session, query, page, key=AuditEvent.id, newest_first=True)
    return Page(
        items=[AuditEventOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=cursor,
    )

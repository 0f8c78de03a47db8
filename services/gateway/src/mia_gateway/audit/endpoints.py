"""Reading the audit log of one's own company."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from mia_gateway.auth.principal import AdminPrincipal
from mia_gateway.db import SessionDep
from mia_gateway.models import AuditEvent
from mia_gateway.pagination import Page, PageQuery

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
    query = (
        select(AuditEvent)
        .where(AuditEvent.tenant_id == principal.tenant_id)
        .order_by(AuditEvent.id.desc())
        .limit(page.limit + 1)
    )
    if page.after:
        query = query.where(AuditEvent.id < page.after)
    if action:
        query = query.where(AuditEvent.action == action)
    rows = list((await session.scalars(query)).all())
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return Page(
        items=[AuditEventOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=rows[-1].id if more else None,
    )

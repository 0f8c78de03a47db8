"""Reading the audit log of one's own company."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from mia_common.db.requests import SessionDep
from mia_common.pagination import Page, PageQuery
from mia_common.text import ApiStr
from mia_gateway.audit import service
from mia_gateway.audit.schemas import AuditEventOut
from mia_gateway.auth.dependencies import AdminPrincipal

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get(
    "", response_model=Page[AuditEventOut], summary="Security-relevant actions, newest first"
)
async def list_audit(
    principal: AdminPrincipal,
    session: SessionDep,
    page: PageQuery,
    action: Annotated[
        ApiStr | None, Query(max_length=64, description="only this action, e.g. login.failed")
    ] = None,
) -> Page[AuditEventOut]:
    rows, cursor = await service.list_events(
        session=session, tenant_id=principal.tenant_id, page=page, action=action
    )
    return Page(
        items=[AuditEventOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=cursor,
    )

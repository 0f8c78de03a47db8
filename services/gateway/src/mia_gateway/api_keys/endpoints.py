"""Create (shown once), list, revoke API keys."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from mia_common.db.requests import SessionDep
from mia_common.pagination import Page, PageQuery
from mia_gateway.api_keys import service
from mia_gateway.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from mia_gateway.auth.dependencies import AdminPrincipal

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/api-keys", tags=["api keys"])


@router.post("", response_model=ApiKeyCreated, status_code=201, summary="Create a key")
async def create_key(
    body: ApiKeyCreate, principal: AdminPrincipal, session: SessionDep
) -> ApiKeyCreated:
    key, whole_key = await service.create_key(
        session=session, actor=principal, name=body.name, role=body.role, scopes=body.scopes
    )
    return ApiKeyCreated(**ApiKeyOut.of(key).model_dump(), key=whole_key)


@router.get("", response_model=Page[ApiKeyOut], summary="The company's keys")
async def list_keys(
    principal: AdminPrincipal, session: SessionDep, page: PageQuery
) -> Page[ApiKeyOut]:
    rows, cursor = await service.list_keys(
        session=session, tenant_id=principal.tenant_id, page=page
    )
    return Page(items=[ApiKeyOut.of(k) for k in rows], next_cursor=cursor)


@router.delete("/{key_id}", status_code=204, summary="Revoke a key: it stops working now")
async def revoke_key(key_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep) -> Response:
    await service.revoke_key(session=session, actor=principal, key_id=key_id)
    return Response(status_code=204)

"""``/api/v1/templates``: the company's template library, its checks and previews."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from mia_campaigns.context import ContextDep
from mia_campaigns.identity import Caller, Manager
from mia_campaigns.models import Template
from mia_campaigns.templates.schemas import (
    PreviewIn,
    PreviewOut,
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
)
from mia_campaigns.templates.service import (
    create_template,
    delete_template,
    get_template,
    preview_template,
    template_out,
    update_template,
)
from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, PageParams, fetch_page
from mia_common.text import ApiStr

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/templates", tags=["templates"])


@router.post(
    "",
    response_model=TemplateOut,
    status_code=201,
    summary="Add a template",
    description="422 `template_invalid` naming the part and offset; 409 `template_name_taken`.",
)
async def create(body: TemplateCreate, caller: Manager, session: SessionDep) -> TemplateOut:
    return template_out(await create_template(session, tenant_id=caller.tenant_id, body=body))


@router.get("", response_model=Page[TemplateOut], summary="Templates by name; q searches it")
async def list_templates(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    q: Annotated[ApiStr | None, Query(max_length=200, description="part of the name")] = None,
) -> Page[TemplateOut]:
    query = select(Template).where(Template.tenant_id == caller.tenant_id)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Template.name).contains(escaped.lower(), autoescape=False))
    rows, next_cursor = await fetch_page(
        session, query, PageParams(limit=limit, cursor=cursor), keys=[Template.id]
    )
    return Page(items=[template_out(row) for row in rows], next_cursor=next_cursor)


@router.get("/{template_id}", response_model=TemplateOut)
async def read(template_id: uuid.UUID, caller: Caller, session: SessionDep) -> TemplateOut:
    return template_out(
        await get_template(session, tenant_id=caller.tenant_id, template_id=template_id)
    )


@router.patch("/{template_id}", response_model=TemplateOut, summary="Change a template")
async def edit(
    template_id: uuid.UUID, body: TemplateUpdate, caller: Manager, session: SessionDep
) -> TemplateOut:
    template = await update_template(
        session, tenant_id=caller.tenant_id, template_id=template_id, changes=body
    )
    return template_out(template)


@router.delete("/{template_id}", status_code=204, summary="Delete a template")
async def delete(template_id: uuid.UUID, caller: Manager, session: SessionDep) -> None:
    await delete_template(session, tenant_id=caller.tenant_id, template_id=template_id)


@router.post(
    "/{template_id}/preview",
    response_model=PreviewOut,
    summary="What a real contact (or sample values) would receive",
    description="422 `template_variable_missing` naming the variable and the contact;"
    " 404 `contact_not_found` for a contact the company does not have.",
)
async def preview(
    template_id: uuid.UUID,
    body: PreviewIn,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> PreviewOut:
    return await preview_template(
        session, caller=caller, template_id=template_id, body=body, crm=context.crm
    )

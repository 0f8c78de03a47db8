"""``/api/v1/templates``: the company's template library, its checks and previews, and its
side at Meta: submit for review, a number's Meta templates, and the sync that imports the
approved ones (the sender asks Meta; see ``templates.sender``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from mia_campaigns.context import ContextDep
from mia_campaigns.identity import Caller, Manager
from mia_campaigns.models import Template
from mia_campaigns.templates.meta import (
    list_meta_templates,
    submit_template,
    sync_meta_templates,
)
from mia_campaigns.templates.schemas import (
    MetaTemplatesOut,
    PreviewIn,
    PreviewOut,
    SubmitIn,
    SyncIn,
    SyncOut,
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
)
from mia_campaigns.templates.sender import SenderTemplates
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


_SENDER_ERRORS = (
    " 404 `channel_account_not_found` (not this company's number); 409 the number's Meta"
    " credentials need attention (the sender's code); 502 `meta_unavailable`, `meta_error`"
    " or `sender_unavailable`."
)


@router.get(
    "/meta",
    response_model=MetaTemplatesOut,
    summary="A number's templates at Meta, every status, with the library copy of each",
    description="Through the sender." + _SENDER_ERRORS,
)
async def meta_templates(
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
    channel_account_id: Annotated[uuid.UUID, Query(description="the WhatsApp number")],
) -> MetaTemplatesOut:
    async with SenderTemplates.open(context.settings) as sender:
        return await list_meta_templates(
            session, caller=caller, account_id=channel_account_id, sender=sender
        )


@router.post(
    "/meta/sync",
    response_model=SyncOut,
    summary="Import the number's approved Meta templates; update the status of known ones",
    description="A repeat imports nothing twice. An imported template sends once its"
    " `{{1}}`... are mapped (`PATCH` `mappings`)." + _SENDER_ERRORS,
)
async def sync(body: SyncIn, caller: Manager, session: SessionDep, context: ContextDep) -> SyncOut:
    async with SenderTemplates.open(context.settings) as sender:
        return await sync_meta_templates(
            session, caller=caller, account_id=body.channel_account_id, sender=sender
        )


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


@router.post(
    "/{template_id}/submit",
    response_model=TemplateOut,
    summary="Submit a WhatsApp template to Meta for review (PENDING until Meta decides)",
    description="422 `sms_has_no_templates` for an SMS template; 409"
    " `template_already_submitted` while it is pending or approved; the sender's refusals"
    " as it gave them: 422 `template_invalid`, `template_rejected_by_meta` (Meta's words in"
    " detail, `meta_code`)," + _SENDER_ERRORS,
)
async def submit(
    template_id: uuid.UUID,
    body: SubmitIn,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
) -> TemplateOut:
    async with SenderTemplates.open(context.settings) as sender:
        template = await submit_template(
            session, caller=caller, template_id=template_id, body=body, sender=sender
        )
    return template_out(template)

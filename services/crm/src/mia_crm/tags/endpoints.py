"""``/api/v1/tags``: tags: per tenant, coloured, many per contact."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, status

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page
from mia_common.text import ApiStr
from mia_crm.context import ContextDep
from mia_crm.identity import Caller
from mia_crm.jobs.schemas import JobOut
from mia_crm.tags import deletion as _deletion  # noqa: F401  (registers the tags.delete kind)
from mia_crm.tags.repository import TagRepository, tag_cursor
from mia_crm.tags.schemas import TagCreate, TagOut, TagUpdate
from mia_crm.tags.service import create_tag, delete_tag, get_tag, update_tag

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/tags", tags=["tags"])


@router.get("", response_model=Page[TagOut], summary="Tags by name; q searches the name")
async def list_tags(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    q: Annotated[ApiStr | None, Query(max_length=64, description="part of the name")] = None,
) -> Page[TagOut]:
    rows = await TagRepository.from_session(session).page(
        tenant_id=caller.tenant_id, q=q, cursor=cursor, limit=limit
    )
    page = rows[:limit]
    next_cursor = tag_cursor(page[-1]) if len(rows) > limit else None
    return Page(items=[TagOut.of(tag) for tag in page], next_cursor=next_cursor)


@router.post(
    "",
    response_model=TagOut,
    status_code=201,
    summary="Create a tag",
    description="409 `tag_name_taken`, with the other tag's `tag_id`, when the tenant has a"
    " tag of this name in any case.",
)
async def create(body: TagCreate, caller: Caller, session: SessionDep) -> TagOut:
    return TagOut.of(await create_tag(session, tenant_id=caller.tenant_id, body=body))


@router.get("/{tag_id}", response_model=TagOut)
async def read(tag_id: uuid.UUID, caller: Caller, session: SessionDep) -> TagOut:
    return TagOut.of(await get_tag(session, tenant_id=caller.tenant_id, tag_id=tag_id))


@router.patch(
    "/{tag_id}",
    response_model=TagOut,
    summary="Rename or recolour",
    description="409 `tag_name_taken` when another tag has the new name.",
)
async def edit(
    tag_id: uuid.UUID, body: TagUpdate, caller: Caller, session: SessionDep, context: ContextDep
) -> TagOut:
    tag = await update_tag(
        session,
        tenant_id=caller.tenant_id,
        tag_id=tag_id,
        changes=body,
        contacts_topic=context.settings.contacts_topic,
        actor_user_id=caller.user_id,
        now=datetime.now(UTC),
    )
    return TagOut.of(tag)


@router.delete(
    "/{tag_id}",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Delete the tag, as a job: it comes off every contact",
    description="The tag is gone from every read at once (lists, contacts, exports, tag ids"
    " given to other calls answer as unknown); the answered job takes it off its contacts,"
    " each announced as `contact.updated`, then deletes it (follow it at"
    " `GET /api/v1/jobs/{id}`). Its name stays taken until the job finished. Cancelling"
    " the job gives the tag back, on the contacts still carrying it.",
)
async def delete(
    tag_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
    background: BackgroundTasks,
) -> JobOut:
    job = await delete_tag(
        session, tenant_id=caller.tenant_id, tag_id=tag_id, actor_user_id=caller.user_id
    )
    # After the response, so after the commit: the runner finds the job at once.
    background.add_task(context.jobs.wake)
    return JobOut.of(job)

"""``/api/v1/custom-fields``: custom field definitions of a tenant; values live on contacts."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks, status

from mia_common.db.requests import SessionDep
from mia_crm.context import ContextDep
from mia_crm.custom_fields import deletion as _deletion  # noqa: F401  (registers the job kind)
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.custom_fields.schemas import (
    CustomFieldCreate,
    CustomFieldList,
    CustomFieldOut,
    CustomFieldUpdate,
    FieldOrder,
)
from mia_crm.custom_fields.service import (
    create_field,
    delete_field,
    get_field,
    reorder_fields,
    update_field,
)
from mia_crm.identity import Caller
from mia_crm.jobs.schemas import JobOut

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/custom-fields", tags=["custom fields"])


@router.get("", response_model=CustomFieldList, summary="Every custom field, in display order")
async def list_fields(caller: Caller, session: SessionDep) -> CustomFieldList:
    fields = await CustomFieldRepository.from_session(session).of_tenant(tenant_id=caller.tenant_id)
    return CustomFieldList(items=[CustomFieldOut.of(field) for field in fields])


@router.post(
    "",
    response_model=CustomFieldOut,
    status_code=201,
    summary="Define a custom field (placed last)",
    description="409 `custom_field_key_taken` when the key (given, or derived from the label)"
    " is another field's; 409 `custom_field_limit` past 200 fields.",
)
async def create(body: CustomFieldCreate, caller: Caller, session: SessionDep) -> CustomFieldOut:
    field = await create_field(session, tenant_id=caller.tenant_id, body=body)
    return CustomFieldOut.of(field)


@router.put(
    "/order",
    response_model=CustomFieldList,
    summary="Reorder: every field id of the tenant, in the new order",
)
async def reorder(body: FieldOrder, caller: Caller, session: SessionDep) -> CustomFieldList:
    fields = await reorder_fields(session, tenant_id=caller.tenant_id, ids=body.ids)
    return CustomFieldList(items=[CustomFieldOut.of(field) for field in fields])


@router.get("/{field_id}", response_model=CustomFieldOut)
async def read(field_id: uuid.UUID, caller: Caller, session: SessionDep) -> CustomFieldOut:
    field = await get_field(session, tenant_id=caller.tenant_id, field_id=field_id)
    return CustomFieldOut.of(field)


@router.patch(
    "/{field_id}",
    response_model=CustomFieldOut,
    summary="Relabel, change options or kind",
    description="The kind changes only while no contact holds a value (409"
    " `custom_field_in_use`); an option contacts hold stays (409 `option_in_use`).",
)
async def edit(
    field_id: uuid.UUID, body: CustomFieldUpdate, caller: Caller, session: SessionDep
) -> CustomFieldOut:
    field = await update_field(session, tenant_id=caller.tenant_id, field_id=field_id, changes=body)
    return CustomFieldOut.of(field)


@router.delete(
    "/{field_id}",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Delete the field and every contact's value of it, as a job",
    description="The field is gone from the definitions at once (lists, checks of values:"
    " writing it answers 422); the answered job removes every contact's value, each"
    " announced as `contact.updated`, then the definition (follow it at"
    " `GET /api/v1/jobs/{id}`). Its key stays taken until the job finished. Cancelling"
    " the job gives the field back, with the values not yet removed.",
)
async def delete(
    field_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
    background: BackgroundTasks,
) -> JobOut:
    job = await delete_field(
        session, tenant_id=caller.tenant_id, field_id=field_id, actor_user_id=caller.user_id
    )
    # After the response, so after the commit: the runner finds the job at once.
    background.add_task(context.jobs.wake)
    return JobOut.of(job)

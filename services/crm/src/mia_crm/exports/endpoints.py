"""``/api/v1/exports``: contacts, a segment or a selection as CSV, streamed.

Exports hand out personal data in bulk: managers and above.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from mia_common.db.requests import SessionDep
from mia_common.identity import Identity, Role, require_role
from mia_common.openapi import PROBLEM_RESPONSE
from mia_crm.bulk.schemas import FieldKey
from mia_crm.bulk.service import BulkPlan
from mia_crm.context import ContextDep
from mia_crm.exports import retention as _retention  # noqa: F401  (registers the sweep)
from mia_crm.exports.schemas import ExportRequest
from mia_crm.exports.service import csv_stream, export_file, file_chunks, start_stream
from mia_crm.imports.retention import retention_cutoff
from mia_crm.segments.filters import dump_filter
from mia_crm.segments.members import check_member_fields
from mia_crm.segments.service import get_segment
from mia_crm.segments.validation import check_filter

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])

Manager = Annotated[Identity, Depends(require_role(Role.manager))]
CSV = "text/csv; charset=utf-8"
_CSV_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "UTF-8 with a byte order mark; the profile, tags, then the fields",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def _attachment(stream: Any) -> StreamingResponse:
    name = f"contacts-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv"
    return StreamingResponse(
        stream, media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


async def _stream(
    context: Any,
    session: Any,
    *,
    tenant_id: uuid.UUID,
    selection: list[str] | None,
    filter_json: dict[str, Any] | None,
    field_keys: list[str],
    delimiter: str,
) -> StreamingResponse:
    await check_member_fields(session, tenant_id=tenant_id, keys=field_keys)
    plan = BulkPlan(action="export", params={}, selection=selection, filter=filter_json)
    state = await start_stream(session, tenant_id=tenant_id, plan=plan)
    return _attachment(
        csv_stream(
            context.infra.sessions,
            tenant_id=tenant_id,
            plan=plan,
            state=state,
            field_keys=list(dict.fromkeys(field_keys)),
            delimiter=delimiter,
        )
    )


@router.get(
    "/contacts.csv",
    response_class=StreamingResponse,
    responses=_CSV_ANSWER,
    summary="Every contact, or a saved segment's, as CSV (streamed)",
)
async def export_contacts(
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    segment_id: Annotated[uuid.UUID | None, Query(description="only this segment's")] = None,
    field_keys: Annotated[
        list[FieldKey] | None, Query(max_length=50, description="custom fields as columns")
    ] = None,
    delimiter: Annotated[
        Literal["comma", "semicolon"], Query(description="semicolon: Excel in pt-BR")
    ] = "comma",
) -> StreamingResponse:
    filter_json = None
    if segment_id is not None:
        segment = await get_segment(session, tenant_id=caller.tenant_id, segment_id=segment_id)
        filter_json = dict(segment.filter)
    return await _stream(
        context,
        session,
        tenant_id=caller.tenant_id,
        selection=None,
        filter_json=filter_json,
        field_keys=field_keys or [],
        delimiter=delimiter,
    )


@router.post(
    "/contacts.csv",
    response_class=StreamingResponse,
    responses=_CSV_ANSWER,
    summary="A selection, a filter's or a segment's contacts as CSV (streamed)",
)
async def export_chosen_contacts(
    body: ExportRequest, caller: Manager, session: SessionDep, context: ContextDep
) -> StreamingResponse:
    tenant_id = caller.tenant_id
    selection, filter_json = None, None
    if body.selection is not None:
        selection = sorted({str(contact_id) for contact_id in body.selection})
    elif body.segment_id is not None:
        segment = await get_segment(session, tenant_id=tenant_id, segment_id=body.segment_id)
        filter_json = dict(segment.filter)
    elif body.filter is not None:
        node = await check_filter(session, tenant_id=tenant_id, node=body.filter)
        filter_json = dump_filter(node)
    return await _stream(
        context,
        session,
        tenant_id=tenant_id,
        selection=selection,
        filter_json=filter_json,
        field_keys=body.field_keys,
        delimiter=body.delimiter,
    )


@router.get(
    "/{job_id}/contacts.csv",
    response_class=StreamingResponse,
    responses={**_CSV_ANSWER, 410: PROBLEM_RESPONSE},
    summary="The file an export job (bulk action `export`) wrote, once it succeeded",
    description="410 `export_expired` once the file is deleted: `MIA_CRM_FILE_RETENTION_DAYS`"
    " (7 by default) after the job finished.",
)
async def download_export(
    job_id: uuid.UUID, caller: Manager, session: SessionDep, context: ContextDep
) -> StreamingResponse:
    job = await export_file(
        session,
        tenant_id=caller.tenant_id,
        job_id=job_id,
        cutoff=retention_cutoff(context.settings),
    )
    return _attachment(file_chunks(context.infra.sessions, job_id=job.id))

"""``/api/v1/imports``: CSV imports of contacts, streamed, run as jobs.

The wizard: ``POST /imports`` with the file as the body (text/csv or
application/octet-stream, not multipart) answers the analysis (columns with suggested
fields, a preview with each row's errors); ``POST /imports/{id}/preview`` reads the
preview again under another mapping; ``POST /imports/{id}/start`` runs it as a job (its
progress: ``GET /api/v1/jobs/{job_id}``, polled); ``GET /imports/{id}`` has the counts
and ``GET /imports/{id}/rejections.csv`` the rows that were not imported.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, status
from fastapi.responses import StreamingResponse

from mia_common.db.requests import SessionDep
from mia_common.openapi import PROBLEM_RESPONSE
from mia_common.text import ApiStr
from mia_crm.context import ContextDep
from mia_crm.identity import Caller, CallerToken
from mia_crm.imports import job as _job  # noqa: F401  (registers the contacts.import kind)
from mia_crm.imports import retention
from mia_crm.imports.errors import FileTooLarge, UnsupportedFileType
from mia_crm.imports.repository import ImportRepository
from mia_crm.imports.schemas import (
    ColumnOut,
    ImportCounts,
    ImportOut,
    ImportPreview,
    ImportStart,
    ImportStatus,
    PreviewRequest,
)
from mia_crm.imports.service import (
    MAX_FILE_BYTES,
    Analysis,
    get_import,
    preview,
    start_import,
    upload,
)
from mia_crm.jobs.service import get_job
from mia_crm.models import ImportFile, Job

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])

CSV_TYPES = ("text/csv", "application/octet-stream", "text/plain", "application/vnd.ms-excel")
REPORT_PAGE = 1000
_EXPIRES = (
    "410 `import_expired` once the file and its report are deleted: `MIA_CRM_FILE_RETENTION_DAYS`"
    " (7 by default) after the import finished, or after the upload if it never started."
)
_FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": f"the CSV file itself, at most {MAX_FILE_BYTES} bytes",
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}}
            for kind in ("text/csv", "application/octet-stream")
        },
    }
}


def _out(file: ImportFile, job: Job | None, suggested: list[str | None] | None = None) -> ImportOut:
    return ImportOut(**_fields(file, job, suggested))


def _fields(
    file: ImportFile, job: Job | None, suggested: list[str | None] | None
) -> dict[str, Any]:
    hints = suggested or [None] * len(file.columns)
    return {
        "id": file.id,
        "filename": file.filename,
        "size_bytes": file.size_bytes,
        "encoding": file.encoding,
        "delimiter": file.delimiter,
        "has_header": file.has_header,
        "columns": [
            ColumnOut(index=index, header=header, suggested=hints[index])
            for index, header in enumerate(file.columns)
        ],
        "status": ImportStatus.READY if job is None else ImportStatus(job.status),
        "job_id": file.job_id,
        "counts": ImportCounts(
            total=file.total_rows,
            created=file.created_count,
            updated=file.updated_count,
            skipped=file.skipped_count,
            rejected=file.rejected_count,
        ),
        "error": None if job is None else job.error,
        "created_at": file.created_at,
    }


def _analysis(analysis: Analysis, job: Job | None = None) -> ImportPreview:
    return ImportPreview(
        **_fields(analysis.file, job, analysis.suggested), preview=analysis.preview
    )


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for piece in request.stream():
        yield piece


@router.post(
    "",
    response_model=ImportPreview,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a CSV file: its analysis, suggested mapping and preview",
    openapi_extra=_FILE_BODY,
    responses={413: PROBLEM_RESPONSE, 415: PROBLEM_RESPONSE},
)
async def upload_file(
    request: Request,
    caller: Caller,
    session: SessionDep,
    filename: Annotated[
        ApiStr | None, Query(max_length=256, description="the file's name, as shown")
    ] = None,
) -> ImportPreview:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in CSV_TYPES:
        raise UnsupportedFileType(
            "send the file itself as the body, as text/csv or application/octet-stream"
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        raise FileTooLarge(f"a file may hold at most {MAX_FILE_BYTES} bytes")
    analysis = await upload(
        session,
        tenant_id=caller.tenant_id,
        user_id=caller.user_id,
        filename=filename,
        body=_body(request),
    )
    return _analysis(analysis)


async def _job_of(session: SessionDep, file: ImportFile) -> Job | None:
    if file.job_id is None:
        return None
    return await get_job(session, tenant_id=file.tenant_id, job_id=file.job_id)


@router.get("/{import_id}", response_model=ImportOut, summary="An import and its counts")
async def read_import(import_id: uuid.UUID, caller: Caller, session: SessionDep) -> ImportOut:
    file = await get_import(session, tenant_id=caller.tenant_id, import_id=import_id)
    return _out(file, await _job_of(session, file))


@router.post(
    "/{import_id}/preview",
    response_model=ImportPreview,
    summary="The first rows as a mapping would import them, with their errors",
    description=_EXPIRES,
    responses={410: PROBLEM_RESPONSE},
)
async def preview_import(
    import_id: uuid.UUID,
    body: PreviewRequest,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> ImportPreview:
    file = await get_import(session, tenant_id=caller.tenant_id, import_id=import_id)
    job = await _job_of(session, file)
    retention.check_kept(file, job, settings=context.settings)
    analysis = await preview(session, file=file, mapping=body.mapping, has_header=body.has_header)
    return _analysis(analysis, job)


@router.post(
    "/{import_id}/start",
    response_model=ImportOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run the import as a job (follow it at /api/v1/jobs/{job_id})",
    description=_EXPIRES + " An owner column (`owner_user_id`) is for managers and above (403"
    " `owner_not_allowed` for an agent); each user it names is checked with the gateway at"
    " the start (503 `gateway_unavailable` when it cannot say), and a row naming an unknown"
    " or deactivated user is rejected.",
    responses={403: PROBLEM_RESPONSE, 410: PROBLEM_RESPONSE, 503: PROBLEM_RESPONSE},
)
async def start(
    import_id: uuid.UUID,
    body: ImportStart,
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
    background: BackgroundTasks,
) -> ImportOut:
    uploaded = await get_import(session, tenant_id=caller.tenant_id, import_id=import_id)
    retention.check_kept(uploaded, await _job_of(session, uploaded), settings=context.settings)
    file, job = await start_import(
        session,
        tenant_id=caller.tenant_id,
        user_id=caller.user_id,
        import_id=import_id,
        body=body,
        role=caller.role,
        users=context.users,
        identity_token=token,
    )
    # After the response, so after the request's transaction committed the job.
    background.add_task(context.jobs.wake)
    return _out(file, job)


@router.get(
    "/{import_id}/rejections.csv",
    summary="The rows not imported: row number, column, reason, and the row's values",
    response_class=StreamingResponse,
    description=_EXPIRES,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        410: PROBLEM_RESPONSE,
    },
)
async def rejections(
    import_id: uuid.UUID, caller: Caller, session: SessionDep, context: ContextDep
) -> StreamingResponse:
    file = await get_import(session, tenant_id=caller.tenant_id, import_id=import_id)
    retention.check_kept(file, await _job_of(session, file), settings=context.settings)
    sessions = context.infra.sessions
    columns = list(file.columns)

    async def lines() -> AsyncIterator[bytes]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["row", "column", "reason", *columns])
        yield ("\ufeff" + out.getvalue()).encode()
        after: tuple[int, int] | None = None
        while True:
            async with sessions() as reading:
                page = await ImportRepository.from_session(reading).rejections(
                    import_id=file.id, after=after, limit=REPORT_PAGE
                )
            if not page:
                return
            out.seek(0)
            out.truncate()
            for rejection in page:
                writer.writerow(
                    [
                        rejection.row_number,
                        rejection.column or "",
                        rejection.reason,
                        *(rejection.values or []),
                    ]
                )
            yield out.getvalue().encode()
            after = (page[-1].row_number, page[-1].position)

    name = f"rejections-{file.id}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

"""``/api/v1/contacts/bulk``: bulk actions on a selection or a filter, run as jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Body, status

import mia_crm.bulk.jobs
import mia_crm.exports.jobs  # noqa: F401  (registers the export job kind)
from mia_common.db.requests import SessionDep
from mia_crm.bulk.schemas import BulkRequest
from mia_crm.bulk.service import start_bulk_action
from mia_crm.context import ContextDep
from mia_crm.identity import Caller, CallerToken
from mia_crm.jobs.schemas import JobOut

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts/bulk", tags=["bulk actions"])


@router.post(
    "",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Tag, untag, set the owner or a field, delete or export contacts, as a job",
    description="Answers the queued job: follow it at `GET /api/v1/jobs/{id}`. Its"
    " `total` is fixed when it starts (a filter's matches then, up to the highest id"
    " matching then); each batch of contacts is committed on its own.",
)
async def start(
    body: Annotated[BulkRequest, Body()],
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
    background: BackgroundTasks,
) -> JobOut:
    job = await start_bulk_action(
        session, caller=caller, identity_token=token, users=context.users, body=body
    )
    # After the response, so after the commit: the runner finds the job at once.
    background.add_task(context.jobs.wake)
    return JobOut.of(job)

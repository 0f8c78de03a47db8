"""The export job (``contacts.export``): the CSV file written in chunks, a batch a step.

The first step notes the walk's bound and the total and writes the header (chunk 0);
each next step reads a batch, encodes it and stores it as the next chunk, in the step's
transaction with the progress: a crash resumes at the next chunk. The file is downloaded
from ``GET /api/v1/exports/{job_id}/contacts.csv`` once the job succeeded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mia_crm.bulk.jobs import snapshot, start_walk, walk_batch
from mia_crm.bulk.service import EXPORT_KIND, BulkPlan
from mia_crm.exports.csv_file import BOM, encode_header
from mia_crm.exports.service import BATCH, encode_batch
from mia_crm.jobs.registry import register_job_kind
from mia_crm.jobs.runner import RunningJob
from mia_crm.models import ExportChunk

__all__ = ["run_export"]


async def run_export(job: RunningJob) -> dict[str, Any]:
    plan = BulkPlan.from_params(job.params)
    field_keys: list[str] = plan.params.get("field_keys", [])
    delimiter: str = plan.params.get("delimiter", "comma")
    state = job.checkpoint
    if state is None:
        async with job.step() as step:
            total, state = await snapshot(
                step.session,
                tenant_id=job.tenant_id,
                plan=plan,
                state=start_walk(datetime.now(UTC)),
            )
            step.session.add(
                ExportChunk(
                    job_id=job.id,
                    seq=0,
                    tenant_id=job.tenant_id,
                    data=BOM + encode_header(field_keys, delimiter=delimiter),
                )
            )
            state = {**state, "seq": 1, "rows": 0}
            step.advance(total=total, checkpoint=state)
    while not state["done"]:
        async with job.step() as step:
            batch = await walk_batch(
                step.session,
                tenant_id=job.tenant_id,
                plan=plan,
                state=state,
                limit=BATCH,
                lock=False,
            )
            seq = int(state["seq"])
            if batch.contacts:
                step.session.add(
                    ExportChunk(
                        job_id=job.id,
                        seq=seq,
                        tenant_id=job.tenant_id,
                        data=await encode_batch(
                            step.session,
                            tenant_id=job.tenant_id,
                            contacts=batch.contacts,
                            field_keys=field_keys,
                            delimiter=delimiter,
                        ),
                    )
                )
                seq += 1
            state = {
                **batch.checkpoint,
                "seq": seq,
                "rows": int(state["rows"]) + len(batch.contacts),
            }
            step.advance(
                processed=batch.considered,
                succeeded=len(batch.contacts),
                failed=batch.considered - len(batch.contacts),
                checkpoint=state,
            )
    return {"rows": state["rows"], "download": f"/api/v1/exports/{job.id}/contacts.csv"}


register_job_kind(EXPORT_KIND, run_export)

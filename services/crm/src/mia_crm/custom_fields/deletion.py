"""The ``custom_fields.delete`` job: every contact's value of a field, then the field.

``DELETE /api/v1/custom-fields/{id}`` marks the field with its job (``deletion_job_id``):
from that commit on the definitions every read and every check uses leave it out (lists,
validation of values, imports, bulk set_field), so no new value of it is written. Each
step removes the value from up to ``BATCH`` contacts in the contact list's order and
stages their ``contact.updated`` (``fields.<key>``) with the step's checkpoint (the last
contact done); the last step deletes the definition. A crash rolls back one step and the
next runner resumes after the checkpoint. Once the pass is through, one more from the
start catches a value written by a transaction that began before the field was hidden.

A cancelled or failed deletion gives the field back (with the values not yet removed):
at once when the job itself sees the cancel, else by the periodic ``restore_fields``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_crm.config import CrmSettings
from mia_crm.contacts.events import contacts_changed
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.custom_fields.service import CHUNK, DELETE_KIND
from mia_crm.jobs.registry import register_job_kind, register_periodic
from mia_crm.jobs.runner import JobCancelled, RunningJob
from mia_crm.models import Contact, CustomField, Job, JobStatus

__all__ = ["BATCH", "RESTORE_SECONDS", "restore_fields", "run_field_deletion"]

BATCH = CHUNK
RESTORE_SECONDS = 60.0


async def run_field_deletion(job: RunningJob) -> dict[str, Any]:
    try:
        return await _delete(job)
    except JobCancelled:
        async with job.sessions() as session, session.begin():
            await _restore(session, CustomField.deletion_job_id == job.id)
        raise


async def _delete(job: RunningJob) -> dict[str, Any]:
    field_id = uuid.UUID(job.params["field_id"])
    key = str(job.params["key"])
    if job.checkpoint is None:
        async with job.step() as step:
            total = await step.session.scalar(
                select(func.count()).where(
                    Contact.tenant_id == job.tenant_id, Contact.fields.has_key(key)
                )
            )
            step.advance(total=int(total or 0), checkpoint={"removed": 0, "after": None})
    assert job.checkpoint is not None
    state = dict(job.checkpoint)
    while True:
        async with job.step() as step:
            session = step.session
            field = await _held(session, job=job, field_id=field_id)
            if field is None:  # deleted by an earlier run
                return {"key": key, "removed": int(state["removed"])}
            after = _after(state["after"])
            contacts = await CustomFieldRepository.from_session(session).remove_some_values(
                tenant_id=job.tenant_id, key=key, after=after, limit=BATCH
            )
            if not contacts and after is not None:
                # Through once: the next steps start over for values written meanwhile.
                state = {**state, "after": None}
                step.advance(checkpoint=state)
                continue
            if not contacts:
                await CustomFieldRepository.from_session(session).delete(field)
                step.advance(checkpoint={**state, "deleted": True})
                return {"key": key, "removed": int(state["removed"])}
            await contacts_changed(
                session,
                topic=job.settings.contacts_topic,
                contacts=contacts,
                changed=[f"fields.{key}"],
                actor_user_id=job.created_by_user_id,
                occurred_at=datetime.now(UTC),
            )
            last = contacts[-1]
            state = {
                "removed": int(state["removed"]) + len(contacts),
                "after": [last.created_at.isoformat(), str(last.id)],
            }
            step.advance(processed=len(contacts), succeeded=len(contacts), checkpoint=state)


def _after(value: Any) -> tuple[datetime, uuid.UUID] | None:
    if not value:
        return None
    created_at, contact_id = value
    return datetime.fromisoformat(created_at), uuid.UUID(contact_id)


async def _held(
    session: AsyncSession, *, job: RunningJob, field_id: uuid.UUID
) -> CustomField | None:
    """The field this job deletes (locked), None once it is gone."""
    query = (
        select(CustomField)
        .where(
            CustomField.tenant_id == job.tenant_id,
            CustomField.id == field_id,
            CustomField.deletion_job_id == job.id,
        )
        .with_for_update()
    )
    return (await session.scalars(query)).one_or_none()


async def _restore(session: AsyncSession, condition: Any) -> int:
    result = await session.execute(
        update(CustomField)
        .where(CustomField.deletion_job_id.is_not(None), condition)
        .values(deletion_job_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def restore_fields(sessions: async_sessionmaker[AsyncSession], settings: CrmSettings) -> int:
    """Gives back the fields whose deletion job was cancelled or failed; how many."""
    ended = select(Job.id).where(
        Job.id == CustomField.deletion_job_id,
        Job.status.in_([JobStatus.CANCELLED, JobStatus.FAILED]),
    )
    async with sessions() as session, session.begin():
        return await _restore(session, ended.exists())


register_job_kind(DELETE_KIND, run_field_deletion)
register_periodic("custom_fields.restore", restore_fields, every_seconds=RESTORE_SECONDS)

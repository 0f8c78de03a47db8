"""The ``tags.delete`` job: a tag off every contact, a batch a step, then the tag itself.

``DELETE /api/v1/tags/{id}`` marks the tag with its job (``deletion_job_id``): from that
commit on no read shows it (lists, a contact's tags, exports, validation of tag ids) and
nothing puts it on a contact. Each step of the job takes it off up to ``BATCH`` contacts
and stages their ``contact.updated`` (``tags``) in the step's transaction, with the count;
the last step deletes the row (its leads' tags go with it). A crash rolls back one step
and the next runner goes on with the contacts still carrying it: nothing twice.

A cancelled or failed deletion gives the tag back (on the contacts still carrying it):
at once when the job itself sees the cancel, else by the periodic ``restore_tags``
(a job cancelled while still queued never ran).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_crm.config import CrmSettings
from mia_crm.jobs.registry import register_job_kind, register_periodic
from mia_crm.jobs.runner import JobCancelled, RunningJob
from mia_crm.models import ContactTag, Job, JobStatus, LeadTag, Tag
from mia_crm.tags.repository import TagRepository
from mia_crm.tags.service import DELETE_KIND, announce_holders

__all__ = ["BATCH", "RESTORE_SECONDS", "restore_tags", "run_tag_deletion"]

BATCH = 1000
"""Contacts per step (one DELETE, one read of their tags, one outbox INSERT)."""
RESTORE_SECONDS = 60.0


async def run_tag_deletion(job: RunningJob) -> dict[str, Any]:
    tag_id = uuid.UUID(job.params["tag_id"])
    try:
        return await _delete(job, tag_id)
    except JobCancelled:
        async with job.sessions() as session, session.begin():
            await _restore(session, Tag.deletion_job_id == job.id)
        raise


async def _delete(job: RunningJob, tag_id: uuid.UUID) -> dict[str, Any]:
    removed = int((job.checkpoint or {}).get("removed", 0))
    if job.checkpoint is None:
        async with job.step() as step:
            total = await step.session.scalar(
                select(func.count()).select_from(ContactTag).where(ContactTag.tag_id == tag_id)
            )
            # Leads show their tags too: off them at once (no lead events, as before).
            await step.session.execute(delete(LeadTag).where(LeadTag.tag_id == tag_id))
            step.advance(total=int(total or 0), checkpoint={"removed": 0})
    while True:
        async with job.step() as step:
            session = step.session
            tag = await _held(session, job=job, tag_id=tag_id)
            if tag is None:
                return {"tag_id": str(tag_id), "removed": removed}  # deleted by an earlier run
            ids = await TagRepository.from_session(session).detach_some(tag_id=tag_id, limit=BATCH)
            if not ids:
                await TagRepository.from_session(session).delete(tag)
                step.advance(checkpoint={"removed": removed, "deleted": True})
                return {"tag_id": str(tag_id), "removed": removed}
            await announce_holders(
                session,
                tenant_id=job.tenant_id,
                contact_ids=ids,
                topic=job.settings.contacts_topic,
                actor_user_id=job.created_by_user_id,
                now=datetime.now(UTC),
            )
            removed += len(ids)
            step.advance(processed=len(ids), succeeded=len(ids), checkpoint={"removed": removed})


async def _held(session: AsyncSession, *, job: RunningJob, tag_id: uuid.UUID) -> Tag | None:
    """The tag this job deletes (locked), None once it is gone."""
    query = (
        select(Tag)
        .where(Tag.tenant_id == job.tenant_id, Tag.id == tag_id, Tag.deletion_job_id == job.id)
        .with_for_update()
    )
    return (await session.scalars(query)).one_or_none()


async def _restore(session: AsyncSession, condition: Any) -> int:
    result = await session.execute(
        update(Tag)
        .where(Tag.deletion_job_id.is_not(None), condition)
        .values(deletion_job_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def restore_tags(sessions: async_sessionmaker[AsyncSession], settings: CrmSettings) -> int:
    """Gives back the tags whose deletion job was cancelled or failed; how many."""
    ended = select(Job.id).where(
        Job.id == Tag.deletion_job_id,
        Job.status.in_([JobStatus.CANCELLED, JobStatus.FAILED]),
    )
    async with sessions() as session, session.begin():
        return await _restore(session, ended.exists())


register_job_kind(DELETE_KIND, run_tag_deletion)
register_periodic("tags.restore", restore_tags, every_seconds=RESTORE_SECONDS)

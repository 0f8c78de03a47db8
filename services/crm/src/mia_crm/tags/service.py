"""The rules of tags: one name per tenant whatever its case; renaming or deleting a tag
changes the contacts carrying it, each announced as ``contact.updated`` (``tags``).

A tag may be on a great many contacts: a rename announces them in chunks of ``CHUNK``
contacts, never all held in memory at once; a delete is a job (``mia_crm.tags.deletion``):
the tag is hidden at once and the job takes it off its contacts a batch a step.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.contacts.events import contacts_changed
from mia_crm.contacts.repository import ContactRepository
from mia_crm.jobs.service import enqueue_job
from mia_crm.models import Job, Tag
from mia_crm.tags.errors import TagNameTaken, TagNotFound
from mia_crm.tags.repository import TagRepository
from mia_crm.tags.schemas import TagCreate, TagUpdate

__all__ = ["CHUNK", "DELETE_KIND", "create_tag", "delete_tag", "get_tag", "update_tag"]

CHUNK = 1000
DELETE_KIND = "tags.delete"


async def get_tag(
    session: AsyncSession, *, tenant_id: uuid.UUID, tag_id: uuid.UUID, for_update: bool = False
) -> Tag:
    tag = await TagRepository.from_session(session).get(
        tenant_id=tenant_id, tag_id=tag_id, for_update=for_update
    )
    if tag is None:
        raise TagNotFound(f"no tag {tag_id}", tag_id=str(tag_id))
    return tag


def _taken(tag: Tag) -> TagNameTaken:
    if tag.deletion_job_id is not None:
        return TagNameTaken(
            f"a tag named {tag.name!r} is being deleted; the name is free once its job"
            f" {tag.deletion_job_id} finished",
            job_id=str(tag.deletion_job_id),
        )
    return TagNameTaken(f"the tag {tag.id} is named {tag.name!r}", tag_id=str(tag.id))


async def create_tag(session: AsyncSession, *, tenant_id: uuid.UUID, body: TagCreate) -> Tag:
    """The new tag; 409 ``tag_name_taken`` (with the other tag's id) when the name is one."""
    tags = TagRepository.from_session(session)
    tag = await tags.insert_unless_taken(tenant_id=tenant_id, name=body.name, color=body.color)
    if tag is None:
        existing = await tags.by_name(tenant_id=tenant_id, name=body.name)
        if existing is None:  # pragma: no cover - the insert conflicted on the name
            raise TagNotFound("the tag could not be created; try again")
        raise _taken(existing)
    return tag


async def update_tag(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    tag_id: uuid.UUID,
    changes: TagUpdate,
    contacts_topic: str,
    actor_user_id: uuid.UUID | None,
    now: datetime,
) -> Tag:
    tags = TagRepository.from_session(session)
    tag = await get_tag(session, tenant_id=tenant_id, tag_id=tag_id, for_update=True)
    renamed = changes.name is not None and changes.name != tag.name
    if renamed and changes.name is not None:
        other = await tags.by_name(tenant_id=tenant_id, name=changes.name)
        if other is not None and other.id != tag.id:
            raise _taken(other)
        tag.name = changes.name
    if changes.color is not None:
        tag.color = changes.color
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # Another request took the name between the check and the write.
        other = await tags.by_name(tenant_id=tenant_id, name=changes.name or "")
        raise _taken(other) if other is not None else TagNameTaken("the name is taken") from None
    if renamed:
        # The contacts' snapshots carry tag names.
        after: uuid.UUID | None = None
        while ids := await tags.holders_after(tag_id=tag.id, after=after, limit=CHUNK):
            await announce_holders(
                session,
                tenant_id=tenant_id,
                contact_ids=ids,
                topic=contacts_topic,
                actor_user_id=actor_user_id,
                now=now,
            )
            after = ids[-1]
    return tag


async def delete_tag(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    tag_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
) -> Job:
    """Hides the tag from every read now and queues the job that takes it off every
    contact (each announced) and then deletes it; the job."""
    tag = await get_tag(session, tenant_id=tenant_id, tag_id=tag_id, for_update=True)
    job = await enqueue_job(
        session,
        tenant_id=tenant_id,
        kind=DELETE_KIND,
        params={"tag_id": str(tag.id), "name": tag.name},
        created_by_user_id=actor_user_id,
    )
    tag.deletion_job_id = job.id
    await session.flush()
    return job


async def announce_holders(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_ids: list[uuid.UUID],
    topic: str,
    actor_user_id: uuid.UUID | None,
    now: datetime,
) -> None:
    """``contact.updated`` (``tags``) for each contact, with the tags it has now."""
    contacts = await ContactRepository.from_session(session).many(
        tenant_id=tenant_id, contact_ids=contact_ids
    )
    await contacts_changed(
        session,
        topic=topic,
        contacts=contacts,
        changed=["tags"],
        actor_user_id=actor_user_id,
        occurred_at=now,
    )
    # The chunk's contacts are not needed again: keep the session small.
    for contact in contacts:
        session.expunge(contact)

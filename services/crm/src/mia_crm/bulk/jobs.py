"""The jobs of bulk actions: ``contacts.bulk_<action>``, registered with the job runner.

A job walks its contacts (``walk_batch``: a selection by index, a filter by id up to the
bound noted at the start; see ``mia_crm.bulk.service``) in batches of ``BATCH``, each batch
one step of the runner: one transaction that locks the batch's contacts, changes them,
stages their ``contact.updated`` events and commits the job's progress and checkpoint.
A crash resumes after the last committed batch. A set_owner judges each contact by the
owner rule (``mia_crm.owners.may_set_owner``) for the role and user who asked, as the
request noted them: an agent's run leaves the contacts others own as they are, counted as
``failed`` and in the result's ``not_allowed``. A delete also tells open inboxes that the
contacts' conversations are gone (``conversation_updated`` per conversation, in the
batch's transaction).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactDeleted
from mia_common.identity import Role
from mia_common.outbox import StagedEvent, add_events
from mia_crm.bulk.repository import BulkRepository
from mia_crm.bulk.service import BulkPlan, job_kind_of
from mia_crm.consent.service import SOURCE
from mia_crm.contacts.events import contacts_changed
from mia_crm.inbox_events import ConversationRef, announce_conversations
from mia_crm.jobs.registry import register_job_kind
from mia_crm.jobs.runner import RunningJob
from mia_crm.models import Contact
from mia_crm.owners import may_set_owner
from mia_crm.segments.compiler import contact_condition
from mia_crm.segments.filters import filter_adapter
from mia_crm.tags.repository import TagRepository

__all__ = ["ACTIONS", "BATCH", "Batch", "run_bulk_action", "snapshot", "start_walk", "walk_batch"]

BATCH = 500
"""Contacts per step: a short transaction (a few hundred row locks, one event INSERT)."""

ACTIONS = ("tag", "untag", "set_owner", "set_field", "delete")


@dataclass(frozen=True, slots=True)
class Batch:
    contacts: list[Contact]
    considered: int
    """Selection ids looked at (found or not), or contacts found by the filter."""
    checkpoint: dict[str, Any]


def start_walk(now: datetime) -> dict[str, Any]:
    return {"now": now.isoformat(), "after": None, "index": 0, "changed": 0, "done": False}


async def snapshot(
    session: AsyncSession, *, tenant_id: uuid.UUID, plan: BulkPlan, state: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """The job's total, and the walk's state with its bound (filter targets)."""

    if plan.selection is not None:
        return len(plan.selection), {**state, "done": not plan.selection}
    total, upper = await BulkRepository.from_session(session).snapshot(
        _condition(tenant_id, plan, state)
    )
    return total, {**state, "upper": str(upper) if upper else None, "done": upper is None}


async def walk_batch(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    plan: BulkPlan,
    state: dict[str, Any],
    limit: int = BATCH,
    lock: bool = True,
) -> Batch:
    """The next batch of the walk (``lock``: locked), and the state after it."""
    repository = BulkRepository.from_session(session)
    if plan.selection is not None:
        index = int(state["index"])
        ids = [uuid.UUID(value) for value in plan.selection[index : index + limit]]
        contacts = await repository.selected(tenant_id=tenant_id, contact_ids=ids, lock=lock)
        following = index + len(ids)
        return Batch(
            contacts,
            len(ids),
            {**state, "index": following, "done": following >= len(plan.selection)},
        )
    after = uuid.UUID(state["after"]) if state.get("after") else None
    contacts = await repository.batch(
        _condition(tenant_id, plan, state),
        after=after,
        upper=uuid.UUID(state["upper"]),
        limit=limit,
        lock=lock,
    )
    last = str(contacts[-1].id) if contacts else state.get("after")
    return Batch(contacts, len(contacts), {**state, "after": last, "done": len(contacts) < limit})


def _condition(tenant_id: uuid.UUID, plan: BulkPlan, state: dict[str, Any]) -> ColumnElement[bool]:
    if plan.filter is None:
        return Contact.tenant_id == tenant_id  # every contact (an export of all)
    node = filter_adapter.validate_python(plan.filter)
    return contact_condition(tenant_id, node, now=datetime.fromisoformat(state["now"]))


async def run_bulk_action(job: RunningJob) -> dict[str, Any]:
    plan = BulkPlan.from_params(job.params)
    state = job.checkpoint
    if state is None:
        async with job.step() as step:
            total, state = await snapshot(
                step.session,
                tenant_id=job.tenant_id,
                plan=plan,
                state=start_walk(datetime.now(UTC)),
            )
            step.advance(total=total, checkpoint=state)
    while not state["done"]:
        async with job.step() as step:
            batch = await walk_batch(step.session, tenant_id=job.tenant_id, plan=plan, state=state)
            allowed = _allowed(job, plan, batch.contacts)
            changed = await _apply(step.session, job=job, plan=plan, contacts=allowed)
            state = {
                **batch.checkpoint,
                "changed": int(state["changed"]) + changed,
                "not_allowed": int(state.get("not_allowed", 0))
                + len(batch.contacts)
                - len(allowed),
            }
            step.advance(
                processed=batch.considered,
                succeeded=len(allowed),
                failed=batch.considered - len(allowed),
                checkpoint=state,
            )
    result: dict[str, Any] = {"action": plan.action, "changed": state["changed"]}
    if plan.action == "set_owner":
        result["not_allowed"] = int(state.get("not_allowed", 0))
    return result


def _allowed(job: RunningJob, plan: BulkPlan, contacts: list[Contact]) -> list[Contact]:
    """The contacts (locked) the action may change: for set_owner, those whose owner the
    caller may change to the new one (``may_set_owner``); every one for other actions. A
    job queued before its params named the role is judged as an agent's (the strict rule)."""
    if plan.action != "set_owner":
        return contacts
    params = plan.params
    role = Role(params["role"]) if params.get("role") else None
    user_id = uuid.UUID(params["user_id"]) if params.get("user_id") else job.created_by_user_id
    owner = uuid.UUID(params["owner_user_id"]) if params["owner_user_id"] else None
    return [
        contact
        for contact in contacts
        if may_set_owner(role=role, user_id=user_id, holder=contact.owner_user_id, owner=owner)
    ]


async def _apply(
    session: AsyncSession, *, job: RunningJob, plan: BulkPlan, contacts: list[Contact]
) -> int:
    """Applies the action to ``contacts`` (locked); how many changed."""
    if not contacts:
        return 0
    tenant_id = job.tenant_id
    ids = [contact.id for contact in contacts]
    params = plan.params
    changed: list[Contact]
    what: list[str]
    if plan.action == "delete":
        gone = await BulkRepository.from_session(session).delete_contacts(
            tenant_id=tenant_id, contact_ids=ids
        )
        await _announce_deleted(session, job=job, contact_ids=ids)
        await announce_conversations(
            session,
            [
                ConversationRef(tenant_id, conversation_id, contact_id)
                for conversation_id, contact_id in gone
            ],
            topic=job.settings.inbox_topic,
            occurred_at=datetime.now(UTC),
        )
        return len(ids)
    if plan.action in ("tag", "untag"):
        tags = TagRepository.from_session(session)
        tag_ids = [uuid.UUID(value) for value in params["tag_ids"]]
        if plan.action == "tag":
            touched = await tags.add_to_contacts(
                tenant_id=tenant_id, contact_ids=ids, tag_ids=tag_ids
            )
        else:
            touched = await tags.remove_from_contacts(
                tenant_id=tenant_id, contact_ids=ids, tag_ids=tag_ids
            )
        changed, what = [c for c in contacts if c.id in touched], ["tags"]
    elif plan.action == "set_owner":
        owner = uuid.UUID(params["owner_user_id"]) if params["owner_user_id"] else None
        changed = [c for c in contacts if c.owner_user_id != owner]
        for contact in changed:
            contact.owner_user_id = owner
        what = ["owner_user_id"]
    elif plan.action == "set_field":
        values: dict[str, Any] = params["fields"]
        changed = []
        for contact in contacts:
            fields = dict(contact.fields or {})
            for key, value in values.items():
                if value is None:
                    fields.pop(key, None)
                else:
                    fields[key] = value
            if fields != (contact.fields or {}):
                contact.fields = fields
                changed.append(contact)
        what = [f"fields.{key}" for key in values]
    else:
        raise ValueError(f"no bulk action {plan.action!r}")
    await contacts_changed(
        session,
        topic=job.settings.contacts_topic,
        contacts=changed,
        changed=what,
        actor_user_id=job.created_by_user_id,
        occurred_at=datetime.now(UTC),
    )
    return len(changed)


async def _announce_deleted(
    session: AsyncSession, *, job: RunningJob, contact_ids: list[uuid.UUID]
) -> None:
    """``contact.deleted`` for each contact deleted, in the batch's transaction: campaigns
    drop them from audiences, the agent forgets their threads."""
    now = datetime.now(UTC)
    await add_events(
        session,
        [
            StagedEvent(
                job.settings.contacts_topic,
                str(contact_id),
                Envelope[ContactDeleted](
                    type="contact.deleted",
                    source=SOURCE,
                    tenantid=job.tenant_id,
                    subject=str(contact_id),
                    data=ContactDeleted(
                        contact_id=contact_id,
                        actor_user_id=job.created_by_user_id,
                        occurred_at=now,
                    ),
                ),
            )
            for contact_id in contact_ids
        ],
    )


for _action in ACTIONS:
    register_job_kind(job_kind_of(_action), run_bulk_action)

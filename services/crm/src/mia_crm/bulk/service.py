"""Bulk actions: checked and planned in the request, run by a job in keyset batches.

The request checks everything that can be checked once (the filter, the tags, the owner
with the gateway, the field values with their definitions, the role for deletes) and
enqueues a job whose params are the plan, as JSON. The job (``mia_crm.bulk.jobs``) walks
the contacts a batch at a time, each batch its own short transaction that commits the
change, the contacts' ``contact.updated`` events and the job's progress together.

Which contacts, fixed when the job starts:

- a selection: the ids given (a snapshot by nature); ``total`` is their number, and an id
  that is not one of the tenant's contacts (another tenant's, or deleted since) counts as
  failed and is never touched;
- a filter or a segment: the first step counts the matches and notes the highest matching
  id; the job then walks ids up to that bound, so contacts created later are left out and
  ``total`` is fixed. The filter is evaluated again on each batch (relative times anchored
  at the start): a contact that stopped matching meanwhile is skipped, so ``processed``
  may end below ``total``. A snapshot of the ids (a table of a million rows) would be
  exact, but costs a write per contact before any work starts; the bound costs nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.identity import Identity, Role
from mia_crm.bulk.errors import BulkActionNotAllowed
from mia_crm.bulk.schemas import (
    BulkDelete,
    BulkExport,
    BulkRequest,
    BulkSetField,
    BulkSetOwner,
    BulkTag,
    BulkUntag,
    Targeted,
)
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.custom_fields.validation import validate_values
from mia_crm.jobs.service import enqueue_job
from mia_crm.models import Job
from mia_crm.owners import check_bulk_owner
from mia_crm.segments.filters import dump_filter
from mia_crm.segments.members import check_member_fields
from mia_crm.segments.service import get_segment
from mia_crm.segments.validation import check_filter
from mia_crm.tags.errors import TagNotFound
from mia_crm.tags.repository import TagRepository
from mia_crm.tenant_settings.service import settings_of

__all__ = ["EXPORT_KIND", "BulkPlan", "job_kind_of", "resolve_target", "start_bulk_action"]

EXPORT_KIND = "contacts.export"


def job_kind_of(action: str) -> str:
    return EXPORT_KIND if action == "export" else f"contacts.bulk_{action}"


@dataclass(frozen=True, kw_only=True)
class BulkPlan:
    """What a job does, as its params hold it (JSON)."""

    action: str
    params: dict[str, Any]
    selection: list[str] | None = None
    """Sorted, without repeats."""
    filter: dict[str, Any] | None = None
    """Checked, in its JSON form."""

    def to_params(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "params": self.params,
            "selection": self.selection,
            "filter": self.filter,
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> BulkPlan:
        return cls(
            action=params["action"],
            params=params["params"],
            selection=params.get("selection"),
            filter=params.get("filter"),
        )


async def resolve_target(
    session: AsyncSession, *, tenant_id: uuid.UUID, target: Targeted
) -> tuple[list[str] | None, dict[str, Any] | None]:
    """(sorted selection, checked filter as JSON): one of them. 404 for a segment that is
    not the tenant's, 422 for a filter naming what the tenant does not have."""
    if target.selection is not None:
        return sorted({str(contact_id) for contact_id in target.selection}), None
    if target.segment_id is not None:
        segment = await get_segment(session, tenant_id=tenant_id, segment_id=target.segment_id)
        return None, dict(segment.filter)
    assert target.filter is not None
    node = await check_filter(session, tenant_id=tenant_id, node=target.filter)
    return None, dump_filter(node)


async def start_bulk_action(
    session: AsyncSession,
    *,
    caller: Identity,
    identity_token: str,
    users: GatewayUsers,
    body: BulkRequest,
) -> Job:
    """The queued job of ``body`` (its kind ``contacts.bulk_<action>`` or
    ``contacts.export``), once everything about it checked out."""
    tenant_id = caller.tenant_id
    # Deleting and exporting (personal data in bulk) are for managers and above.
    if isinstance(body, BulkDelete | BulkExport) and not caller.role.at_least(Role.manager):
        raise BulkActionNotAllowed(
            f"{body.action} needs the manager role or above; the caller is {caller.role.value}"
        )
    params = await _checked_params(
        session, caller=caller, identity_token=identity_token, users=users, body=body
    )
    selection, filter_json = await resolve_target(session, tenant_id=tenant_id, target=body)
    plan = BulkPlan(action=body.action, params=params, selection=selection, filter=filter_json)
    return await enqueue_job(
        session,
        tenant_id=tenant_id,
        kind=job_kind_of(body.action),
        params=plan.to_params(),
        created_by_user_id=caller.user_id,
        total=len(selection) if selection is not None else None,
    )


async def _checked_params(
    session: AsyncSession,
    *,
    caller: Identity,
    identity_token: str,
    users: GatewayUsers,
    body: BulkRequest,
) -> dict[str, Any]:
    tenant_id = caller.tenant_id
    if isinstance(body, BulkTag | BulkUntag):
        wanted = list(dict.fromkeys(body.params.tag_ids))
        found = await TagRepository.from_session(session).many(tenant_id=tenant_id, tag_ids=wanted)
        known = {tag.id for tag in found}
        for tag_id in wanted:
            if tag_id not in known:
                raise TagNotFound(f"no tag {tag_id}", tag_id=str(tag_id))
        return {"tag_ids": [str(tag_id) for tag_id in wanted]}
    if isinstance(body, BulkSetOwner):
        owner = body.params.owner_user_id
        # The role's rule first (403, nobody asked), then the gateway. What passes here may
        # still not apply to every contact: the job judges each (``mia_crm.owners``) by the
        # role and user noted here, so an agent's run leaves others' contacts alone.
        check_bulk_owner(role=caller.role, user_id=caller.user_id, owner=owner)
        if owner is not None:
            await users.check_assignable(
                user_id=owner, tenant_id=tenant_id, identity_token=identity_token
            )
        return {
            "owner_user_id": str(owner) if owner is not None else None,
            "role": caller.role.value,
            "user_id": str(caller.user_id),
        }
    if isinstance(body, BulkSetField):
        definitions = await CustomFieldRepository.from_session(session).of_tenant(
            tenant_id=tenant_id
        )
        region = (await settings_of(session, tenant_id)).default_country
        values = validate_values(
            definitions, body.params.fields, region=region, location=("body", "params", "fields")
        )
        return {"fields": values}
    if isinstance(body, BulkExport):
        await check_member_fields(session, tenant_id=tenant_id, keys=body.params.field_keys)
        return {
            "field_keys": list(dict.fromkeys(body.params.field_keys)),
            "delimiter": body.params.delimiter,
        }
    return {}

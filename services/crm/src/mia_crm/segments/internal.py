"""``/internal/v1/...``: the members of a segment, a filter or a list of contact ids, for
other services (campaigns), not public.

Authorized by the ``X-Mia-Identity`` token a service forwards from the request it serves
(``Caller``: the same check as every crm route), scoped to its tenant; left out of the
public document. Both answer NDJSON (``application/x-ndjson``), one contact a line (with its
whatsapp and sms consent), in ``contacts.id`` order, streamed in keyset batches
(``segments.members``):

- ``GET /internal/v1/segments/{segment_id}/members``: a saved segment's members now
  (another tenant's segment id: 404 ``segment_not_found``);
- ``POST /internal/v1/contacts/members`` with ``{"filter": ...}``, the members of a
  filter, checked as the segments API checks it (422 naming the place), and/or
  ``{"contact_ids": [...]}``, the tenant's contacts among those ids (at most
  ``MAX_MEMBER_IDS`` as sent, duplicates counted and ignored; another tenant's ids and
  deleted contacts are simply absent). Both: those of the ids the filter matches (a
  cadence's branch asks it of its enrolled people). Neither: 422
  ``members_selection_invalid``; too many ids: 422 ``members_too_many_contact_ids``.

``after=<contact id>`` resumes after the last line read; ``fields=plan,city`` adds those
custom fields (an unknown key: 422 ``segment_unknown_field``). The header
``X-Mia-Marketing-Requires-Consent: true|false`` carries the tenant's rule (its crm
settings, the default for a tenant that never saved any), so the reader decides who may
get marketing from the lines' ``consent`` without a second call.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, and_
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.db.requests import SessionDep
from mia_common.text import api_str
from mia_crm.context import ContextDep, CrmContext
from mia_crm.identity import Caller
from mia_crm.segments.compiler import contact_condition
from mia_crm.segments.errors import MemberSelectionInvalid, TooManyMemberIds
from mia_crm.segments.filters import FIELD_KEY_PATTERN, ContactFilter
from mia_crm.segments.members import (
    MAX_MEMBER_FIELDS,
    check_member_fields,
    listed_contacts,
    member_lines,
)
from mia_crm.segments.service import get_segment, saved_filter
from mia_crm.segments.validation import check_filter
from mia_crm.tenant_settings.service import settings_of

__all__ = ["CONSENT_HEADER", "MAX_MEMBER_IDS", "MembersIn", "router"]

NDJSON = "application/x-ndjson"
CONSENT_HEADER = "X-Mia-Marketing-Requires-Consent"
MAX_MEMBER_IDS = 10_000
"""The most ``contact_ids`` one member request may list."""
_KEY = FIELD_KEY_PATTERN.removeprefix("^").removesuffix("$")

router = APIRouter(prefix="/internal/v1", include_in_schema=False)

After = Annotated[uuid.UUID | None, Query(description="resume after this contact id")]
if TYPE_CHECKING:
    FieldKeys = str
else:
    FieldKeys = api_str(pattern=f"^{_KEY}(,{_KEY})*$", max_length=3300)
Fields = Annotated[FieldKeys | None, Query(description="custom field keys, comma separated")]


class MembersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filter: ContactFilter | None = None
    # Counted against MAX_MEMBER_IDS in the endpoint, which answers the limit by name.
    contact_ids: list[uuid.UUID] | None = None


def _keys(fields: str | None) -> list[str]:
    keys = list(dict.fromkeys(fields.split(","))) if fields else []
    return keys[:MAX_MEMBER_FIELDS]


async def _stream(
    session: AsyncSession,
    context: CrmContext,
    *,
    tenant_id: uuid.UUID,
    condition: ColumnElement[bool],
    after: uuid.UUID | None,
    keys: list[str],
) -> StreamingResponse:
    # Read in the request's transaction, before the first line: the header goes first.
    settings = await settings_of(session, tenant_id)
    requires_consent = "true" if settings.marketing_requires_consent else "false"
    lines = member_lines(
        context.infra.sessions, condition, tenant_id=tenant_id, after=after, keys=keys
    )
    return StreamingResponse(lines, media_type=NDJSON, headers={CONSENT_HEADER: requires_consent})


@router.get("/segments/{segment_id}/members", response_class=StreamingResponse)
async def segment_members(
    segment_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
    after: After = None,
    fields: Fields = None,
) -> StreamingResponse:
    segment = await get_segment(session, tenant_id=caller.tenant_id, segment_id=segment_id)
    keys = _keys(fields)
    await check_member_fields(session, tenant_id=caller.tenant_id, keys=keys)
    condition = contact_condition(caller.tenant_id, saved_filter(segment))
    return await _stream(
        session, context, tenant_id=caller.tenant_id, condition=condition, after=after, keys=keys
    )


@router.post("/contacts/members", response_class=StreamingResponse)
async def filter_members(
    body: MembersIn,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
    after: After = None,
    fields: Fields = None,
) -> StreamingResponse:
    if body.filter is None and body.contact_ids is None:
        raise MemberSelectionInvalid("give a filter, contact_ids, or both")
    conditions: list[ColumnElement[bool]] = []
    if body.filter is not None:
        node = await check_filter(session, tenant_id=caller.tenant_id, node=body.filter)
        conditions.append(contact_condition(caller.tenant_id, node))
    if body.contact_ids is not None:
        if len(body.contact_ids) > MAX_MEMBER_IDS:
            raise TooManyMemberIds(
                f"contact_ids: at most {MAX_MEMBER_IDS} ids, got {len(body.contact_ids)}",
                limit=MAX_MEMBER_IDS,
            )
        conditions.append(listed_contacts(caller.tenant_id, body.contact_ids))
    condition = and_(*conditions)
    keys = _keys(fields)
    await check_member_fields(session, tenant_id=caller.tenant_id, keys=keys)
    return await _stream(
        session, context, tenant_id=caller.tenant_id, condition=condition, after=after, keys=keys
    )

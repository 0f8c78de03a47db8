"""``/internal/v1/...``: segment members for other services (campaigns), not public.

Authorized by the ``X-Mia-Identity`` token a service forwards from the request it serves
(``Caller``: the same check as every crm route), scoped to its tenant; left out of the
public document. Both answer NDJSON (``application/x-ndjson``), one contact a line, in
``contacts.id`` order, streamed in keyset batches (``segments.members``):

- ``GET /internal/v1/segments/{segment_id}/members``: a saved segment's members now
  (another tenant's segment id: 404 ``segment_not_found``);
- ``POST /internal/v1/contacts/members`` with ``{"filter": ...}``: the members of a filter,
  checked as the segments API checks it (422 naming the place).

``after=<contact id>`` resumes after the last line read; ``fields=plan,city`` adds those
custom fields (an unknown key: 422 ``segment_unknown_field``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict

from mia_common.db.requests import SessionDep
from mia_common.text import api_str
from mia_crm.context import ContextDep
from mia_crm.identity import Caller
from mia_crm.segments.compiler import contact_condition
from mia_crm.segments.filters import FIELD_KEY_PATTERN, ContactFilter
from mia_crm.segments.members import MAX_MEMBER_FIELDS, check_member_fields, member_lines
from mia_crm.segments.service import get_segment, saved_filter
from mia_crm.segments.validation import check_filter

__all__ = ["MembersIn", "router"]

NDJSON = "application/x-ndjson"
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

    filter: ContactFilter


def _keys(fields: str | None) -> list[str]:
    keys = list(dict.fromkeys(fields.split(","))) if fields else []
    return keys[:MAX_MEMBER_FIELDS]


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
    lines = member_lines(context.infra.sessions, condition, after=after, keys=keys)
    return StreamingResponse(lines, media_type=NDJSON)


@router.post("/contacts/members", response_class=StreamingResponse)
async def filter_members(
    body: MembersIn,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
    after: After = None,
    fields: Fields = None,
) -> StreamingResponse:
    node = await check_filter(session, tenant_id=caller.tenant_id, node=body.filter)
    keys = _keys(fields)
    await check_member_fields(session, tenant_id=caller.tenant_id, keys=keys)
    condition = contact_condition(caller.tenant_id, node)
    lines = member_lines(context.infra.sessions, condition, after=after, keys=keys)
    return StreamingResponse(lines, media_type=NDJSON)

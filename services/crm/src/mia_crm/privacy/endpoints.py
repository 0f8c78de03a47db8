"""``/api/v1/contacts/{id}/export`` and ``/erase``: a person's right to their data and to
be forgotten. Anyone of the tenant may export (an agent answers the customer's request);
only owners and admins may erase."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from mia_common.db.requests import SessionDep
from mia_common.identity import Identity, Role, require_role
from mia_crm.contacts.service import get_contact
from mia_crm.context import ContextDep
from mia_crm.identity import Caller
from mia_crm.privacy.export import export_contact
from mia_crm.privacy.schemas import ContactExport, ErasureOut
from mia_crm.privacy.service import erase_contact

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts", tags=["privacy"])

Admin = Annotated[Identity, Depends(require_role(Role.admin))]


@router.get(
    "/{contact_id}/export",
    response_class=StreamingResponse,
    summary="Everything the crm holds about the person, as one JSON document",
    responses={
        200: {
            "description": "The document, written as it is read",
            "model": ContactExport,
        }
    },
)
async def export(
    contact_id: uuid.UUID, caller: Caller, session: SessionDep, context: ContextDep
) -> StreamingResponse:
    contact = await get_contact(session, tenant_id=caller.tenant_id, contact_id=contact_id)
    now = datetime.now(UTC)
    return StreamingResponse(
        export_contact(
            context.infra.sessions, tenant_id=caller.tenant_id, contact_id=contact.id, now=now
        ),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="contact-{contact.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/{contact_id}/erase",
    response_model=ErasureOut,
    status_code=202,
    summary="Forget the person (owners and admins): done in the crm at once, in the other"
    " services on contact.erased",
)
async def erase(
    contact_id: uuid.UUID, caller: Admin, session: SessionDep, context: ContextDep
) -> ErasureOut:
    erasure = await erase_contact(
        session,
        tenant_id=caller.tenant_id,
        contact_id=contact_id,
        requested_by_user_id=caller.user_id,
        contacts_topic=context.settings.contacts_topic,
        now=datetime.now(UTC),
    )
    return ErasureOut(
        contact_id=erasure.contact_id,
        erased_at=erasure.erased_at,
        conversations=erasure.conversations,
        messages=erasure.messages,
        leads=erasure.leads,
    )

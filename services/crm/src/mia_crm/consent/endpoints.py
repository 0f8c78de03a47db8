"""``/api/v1/contacts/{id}/consent``: the consent ledger: per contact and channel, opted in
or out, when, how, by whom; and recording a change (source ``agent`` for a user, ``api``
for an API key, or ``form``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter

from mia_common.contracts.contacts import ConsentChannel, ConsentSource
from mia_common.db.requests import SessionDep
from mia_common.openapi import PROBLEM_RESPONSE
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_crm.consent.actors import actor_of
from mia_crm.consent.repository import ConsentRepository
from mia_crm.consent.schemas import (
    ChannelConsent,
    ConsentBody,
    ConsentChange,
    ConsentEventOut,
    ContactConsentOut,
)
from mia_crm.consent.service import record_consent
from mia_crm.contacts.service import get_contact
from mia_crm.context import ContextDep
from mia_crm.identity import Caller, CallerToken
from mia_crm.tenant_settings.service import settings_of

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts", tags=["consent"])


@router.get(
    "/{contact_id}/consent",
    response_model=ContactConsentOut,
    summary="The current state on every channel, and the ledger (newest first, paged)",
)
async def read_consent(
    contact_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> ContactConsentOut:
    contact = await get_contact(session, tenant_id=caller.tenant_id, contact_id=contact_id)
    repository = ConsentRepository.from_session(session)
    current = {
        row.channel: row
        for row in await repository.current_of(tenant_id=caller.tenant_id, contact_id=contact.id)
    }
    rows = await repository.history_page(
        tenant_id=caller.tenant_id, contact_id=contact.id, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(rows, limit, lambda event: (event.occurred_at, event.id))
    requires = (await settings_of(session, caller.tenant_id)).marketing_requires_consent
    return ContactConsentOut(
        contact_id=contact.id,
        marketing_requires_consent=requires,
        channels=[
            ChannelConsent.of(channel, current.get(channel.value), requires_consent=requires)
            for channel in ConsentChannel
        ],
        history=Page(items=[ConsentEventOut.of(event) for event in page], next_cursor=next_cursor),
    )


@router.post(
    "/{contact_id}/consent",
    response_model=ConsentChange,
    summary="Record that the customer opted in or out on a channel",
    responses={503: {**PROBLEM_RESPONSE, "description": "gateway_unavailable: try again"}},
)
async def change_consent(
    contact_id: uuid.UUID,
    body: ConsentBody,
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
) -> ConsentChange:
    contact = await get_contact(session, tenant_id=caller.tenant_id, contact_id=contact_id)
    actor = await actor_of(caller, users=context.users, identity_token=token)
    now = datetime.now(UTC)
    event = await record_consent(
        session,
        tenant_id=caller.tenant_id,
        contact_id=contact.id,
        channel=body.channel,
        status=body.status,
        source=ConsentSource.FORM if body.source == "form" else actor.source,
        actor_user_id=actor.user_id,
        actor_api_key_id=actor.api_key_id,
        occurred_at=min(body.occurred_at, now) if body.occurred_at is not None else now,
        note=body.note,
        contacts_topic=context.settings.contacts_topic,
    )
    current = {
        row.channel: row
        for row in await ConsentRepository.from_session(session).current_of(
            tenant_id=caller.tenant_id, contact_id=contact.id
        )
    }
    requires = (await settings_of(session, caller.tenant_id)).marketing_requires_consent
    return ConsentChange(
        changed=event is not None,
        consent=ChannelConsent.of(
            body.channel, current.get(body.channel.value), requires_consent=requires
        ),
        event=ConsentEventOut.of(event) if event is not None else None,
    )

"""``contact.erased`` on the contacts topic: an audit entry in the tenant's log, once.

The entry names the contact by id only (``target``): the addresses the event carries for
the services that look people up by them would make the audit log a copy of what was
erased. The actor is the user or API key that asked, told apart by the gateway's own
tables (the event carries one id for either). An erasure of a person with many files is
several records (``part`` of ``parts``): only the first is audited, so one erasure is one
entry however it was split.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased
from mia_common.db import unit_of_work
from mia_common.messaging.erasure import erased_event_of
from mia_common.outbox import claim_event
from mia_gateway.audit.service import ActorKind, record
from mia_gateway.erasure.repository import is_api_key

__all__ = [
    "AUDIT_ACTION",
    "CONSUMER",
    "ERASURE_GROUP",
    "erased_event_of",
    "handle_contact_record",
    "record_erasure",
]

ERASURE_GROUP = "gateway.erasure"
CONSUMER = "gateway.erasure"
AUDIT_ACTION = "contact.erased"


async def handle_contact_record(sessions: async_sessionmaker[AsyncSession], value: bytes) -> None:
    event = erased_event_of(value)
    if event is not None:
        await record_erasure(sessions, event)


async def record_erasure(
    sessions: async_sessionmaker[AsyncSession], event: Envelope[ContactErased]
) -> bool:
    """Audit the erasure unless already done (a redelivery) or ``event`` is a further part
    of it (its media only); True when recorded now."""
    if event.data.part != 1:
        return False
    async with unit_of_work(sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return False
        erased = event.data
        actor_id = erased.requested_by_user_id
        if actor_id is None:
            kind = ActorKind.platform
        elif await is_api_key(session, tenant_id=event.tenantid, actor_id=actor_id):
            kind = ActorKind.api_key
        else:
            kind = ActorKind.user
        await record(
            session=session,
            action=AUDIT_ACTION,
            tenant_id=event.tenantid,
            actor_id=actor_id,
            actor_kind=kind,
            target=f"contact:{erased.contact_id}",
            details={
                "contact_id": str(erased.contact_id),
                "erased_at": erased.occurred_at.isoformat(),
                # How many addresses the services were told to forget, never which.
                "addresses": len(erased.phones) + len(erased.channel_user_ids) + len(erased.emails),
                "records": erased.parts,
            },
        )
        return True

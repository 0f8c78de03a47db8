"""The test domain's two sides: record a transfer (producer), apply it (consumer)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope
from mia_common.outbox import add_event, claim_event
from support.models import Account, Transfer

CONSUMER = "test-ledger"


class TransferMade(BaseModel):
    account_id: uuid.UUID
    amount: int


async def record_transfer(
    session: AsyncSession, *, tenant_id: uuid.UUID, account_id: uuid.UUID, amount: int, topic: str
) -> Envelope[TransferMade]:
    session.add(Transfer(tenant_id=tenant_id, account_id=account_id, amount=amount))
    event = Envelope[TransferMade](
        type="test.transfer.made.v1",
        source="/tests/transfers",
        tenantid=tenant_id,
        data=TransferMade(account_id=account_id, amount=amount),
    )
    await add_event(session, topic=topic, key=str(account_id), event=event)
    return event


async def apply_transfer(session: AsyncSession, event: Envelope[TransferMade]) -> bool:
    """Credit the account once per event id; False when the event was seen before."""
    if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
        return False
    await session.execute(
        update(Account)
        .where(Account.id == event.data.account_id, Account.tenant_id == event.tenantid)
        .values(balance=Account.balance + event.data.amount)
    )
    return True

"""The per-test transaction: what a test writes, even committed, is gone for the next."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from support.models import Account

MARKER = f"rolled-back-{uuid.uuid4().hex[:8]}"


async def _count(session: AsyncSession) -> int:
    return (
        await session.scalar(
            select(func.count()).select_from(Account).where(Account.name == MARKER)
        )
    ) or 0


async def test_first_writes_and_commits(db_session: AsyncSession) -> None:
    db_session.add(Account(tenant_id=uuid.uuid4(), name=MARKER, balance=1))
    await db_session.commit()  # code under test may commit: it releases a savepoint
    assert await _count(db_session) == 1


async def test_second_does_not_see_the_first(db_session: AsyncSession) -> None:
    assert await _count(db_session) == 0


async def test_timestamps_and_uuid7_keys_are_filled_in(db_session: AsyncSession) -> None:
    account = Account(tenant_id=uuid.uuid4(), name="stamped", balance=0)
    db_session.add(account)
    await db_session.flush()
    await db_session.refresh(account)
    assert account.id.version == 7
    assert account.created_at is not None
    assert account.updated_at is not None

"""Keyset pagination: every row once, in order, across pages, with opaque cursors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import InvalidCursor, PageParams, fetch_page
from support.models import Account


async def seed(session: AsyncSession, count: int) -> uuid.UUID:
    tenant = uuid.uuid4()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Pairs share a timestamp: the id breaks the tie, so no row is skipped or repeated.
    for index in range(count):
        session.add(
            Account(
                tenant_id=tenant,
                name=f"account {index}",
                created_at=start + timedelta(minutes=index // 2),
            )
        )
    await session.flush()
    return tenant


async def all_pages(session: AsyncSession, tenant: uuid.UUID, **params: object) -> list[list[str]]:
    query = select(Account).where(Account.tenant_id == tenant)
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = PageParams(limit=3, cursor=cursor, **params)  # type: ignore[arg-type]
        rows, cursor = await fetch_page(
            session, query, page, keys=[Account.created_at, Account.id], newest_first=True
        )
        pages.append([row.name for row in rows])
        if cursor is None:
            return pages


async def test_pages_cover_every_row_once_newest_first(db_session: AsyncSession) -> None:
    tenant = await seed(db_session, 8)
    pages = await all_pages(db_session, tenant)
    names = [name for page in pages for name in page]
    assert [len(page) for page in pages] == [3, 3, 2]
    assert names == [f"account {index}" for index in reversed(range(8))]


async def test_one_column_keys_page_oldest_first(db_session: AsyncSession) -> None:
    tenant = await seed(db_session, 5)
    query = select(Account).where(Account.tenant_id == tenant)
    first, cursor = await fetch_page(db_session, query, PageParams(limit=4), keys=[Account.id])
    assert cursor is not None
    rest, end = await fetch_page(
        db_session, query, PageParams(limit=4, cursor=cursor), keys=[Account.id]
    )
    assert end is None
    assert [row.name for row in [*first, *rest]] == [f"account {index}" for index in range(5)]


@pytest.mark.parametrize("token", ["not base64!", "bm9wZQ", "MjAyNi0wMS0wMXxub3QtYS11dWlk"])
async def test_a_cursor_we_did_not_hand_out_is_refused(
    db_session: AsyncSession, token: str
) -> None:
    query = select(Account)
    with pytest.raises(InvalidCursor):
        await fetch_page(
            db_session,
            query,
            PageParams(cursor=token),
            keys=[Account.created_at, Account.id],
        )

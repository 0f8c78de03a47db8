"""Auditing a refusal: in a transaction of its own, because the request's rolls back.

A failed login (wrong password, an OAuth account that may not log in) answers with an
error, so the request's transaction (``SessionDep``) rolls back, and an audit row written
in it would vanish with it. The endpoint that refuses records the refusal here first: the
one place where a request opens a second unit of work, on purpose.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.db import unit_of_work
from mia_gateway.audit.service import record

__all__ = ["record_refusal"]


async def record_refusal(
    *,
    sessions: async_sessionmaker[AsyncSession],
    action: str,
    tenant_id: uuid.UUID | None,
    actor_id: uuid.UUID | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Audit ``action`` and commit it now, whatever becomes of the request."""
    async with unit_of_work(sessions) as session:
        await record(
            session=session,
            action=action,
            tenant_id=tenant_id,
            actor_id=actor_id,
            ip=ip,
            details=details,
        )

"""Recording audit events, in the caller's transaction or (for failures) on their own."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_gateway.models import AuditEvent

__all__ = ["record", "record_independently"]


def _event(
    *,
    action: str,
    tenant_id: uuid.UUID | None,
    actor_id: uuid.UUID | None,
    actor_kind: str,
    target: str | None,
    ip: str | None,
    details: dict[str, Any] | None,
) -> AuditEvent:
    return AuditEvent(
        action=action,
        tenant_id=tenant_id,
        actor_id=actor_id,
        actor_kind=actor_kind,
        target=target,
        ip=ip,
        details=details or {},
    )


async def record(
    session: AsyncSession,
    *,
    action: str,
    tenant_id: uuid.UUID | None,
    actor_id: uuid.UUID | None = None,
    actor_kind: str = "user",
    target: str | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Audit an action that commits with the change it describes."""
    session.add(
        _event(
            action=action,
            tenant_id=tenant_id,
            actor_id=actor_id,
            actor_kind=actor_kind,
            target=target,
            ip=ip,
            details=details,
        )
    )


async def record_independently(
    factory: async_sessionmaker[AsyncSession], *, action: str, **fields: Any
) -> None:
    """Audit a refused action: the request's own transaction rolls back, this must not.

    Takes the keyword arguments of ``record``.
    """
    async with factory() as session, session.begin():
        await record(session, action=action, **fields)

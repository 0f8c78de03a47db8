"""Recording audit events in the transaction of the change they describe; reading them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import PageParams
from mia_gateway.audit.repository import AuditRepository
from mia_gateway.models import AuditEvent

__all__ = ["list_events", "record"]


async def record(
    *,
    session: AsyncSession,
    action: str,
    tenant_id: uuid.UUID | None,
    actor_id: uuid.UUID | None = None,
    actor_kind: str = "user",
    target: str | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Audit an action that commits with the change it describes."""
    AuditRepository.from_session(session).add(
        AuditEvent(
            action=action,
            tenant_id=tenant_id,
            actor_id=actor_id,
            actor_kind=actor_kind,
            target=target,
            ip=ip,
            details=details or {},
        )
    )


async def list_events(
    *, session: AsyncSession, tenant_id: uuid.UUID, page: PageParams, action: str | None
) -> tuple[list[AuditEvent], str | None]:
    """A tenant's events, newest first, optionally of one action."""
    return await AuditRepository.from_session(session).page_of_tenant(
        tenant_id=tenant_id, page=page, action=action
    )

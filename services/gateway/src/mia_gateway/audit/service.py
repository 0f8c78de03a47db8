"""Recording audit events in the transaction of the change they describe; reading them.

An event names who acted by kind and id (``ActorKind``): a user, an API key, or the
platform. What a platform administrator does to a tenant is recorded twice: in the
tenant's log as the platform's (the tenant never sees a stranger's user id), and in the
platform's own log (``tenant_id`` null, not served by the tenant API) with the
administrator's id, so the platform still knows who it was.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import PageParams
from mia_gateway.audit.repository import AuditRepository
from mia_gateway.models import AuditEvent

__all__ = ["ActorKind", "list_events", "record", "record_platform_action"]


class ActorKind(StrEnum):
    """Who did it: ``actor_id`` is a user's or an API key's id, and none for the platform."""

    user = "user"
    api_key = "api_key"
    platform = "platform"


async def record(
    *,
    session: AsyncSession,
    action: str,
    tenant_id: uuid.UUID | None,
    actor_id: uuid.UUID | None = None,
    actor_kind: ActorKind | str = ActorKind.user,
    target: str | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Audit an action that commits with the change it describes.

    ``actor_kind`` takes a principal's ``kind`` as it is ("user" or "api_key").
    """
    AuditRepository.from_session(session).add(
        AuditEvent(
            action=action,
            tenant_id=tenant_id,
            actor_id=actor_id,
            actor_kind=ActorKind(actor_kind).value,
            target=target,
            ip=ip,
            details=details or {},
        )
    )


async def record_platform_action(
    *,
    session: AsyncSession,
    action: str,
    tenant_id: uuid.UUID,
    admin_id: uuid.UUID,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """A platform administrator's action on a tenant: the platform's in the tenant's log,
    the administrator's in the platform's log."""
    await record(
        session=session,
        action=action,
        tenant_id=tenant_id,
        actor_kind=ActorKind.platform,
        target=target,
        details=details,
    )
    await record(
        session=session,
        action=action,
        tenant_id=None,
        actor_id=admin_id,
        actor_kind=ActorKind.user,
        target=target,
        details={**(details or {}), "tenant_id": str(tenant_id)},
    )


async def list_events(
    *, session: AsyncSession, tenant_id: uuid.UUID, page: PageParams, action: str | None
) -> tuple[list[AuditEvent], str | None]:
    """A tenant's events, newest first, optionally of one action."""
    return await AuditRepository.from_session(session).page_of_tenant(
        tenant_id=tenant_id, page=page, action=action
    )

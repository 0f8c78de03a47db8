"""The SQL of the audit log: append an event, page through a tenant's events."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import PageParams, fetch_page
from mia_gateway.models import AuditEvent

__all__ = ["AuditRepository"]


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> AuditRepository:
        return cls(session)

    def add(self, event: AuditEvent) -> None:
        # Written with the transaction's next flush: an audit entry commits with the
        # change it describes, or not at all.
        self.session.add(event)

    async def page_of_tenant(
        self, *, tenant_id: uuid.UUID, page: PageParams, action: str | None = None
    ) -> tuple[list[AuditEvent], str | None]:
        """Newest first."""
        query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
        if action:
            query = query.where(AuditEvent.action == action)
        return await fetch_page(self.session, query, page, keys=[AuditEvent.id], newest_first=True)

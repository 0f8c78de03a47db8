"""SQL about personas; every query is scoped to one tenant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.models.knowledge import KnowledgeBase
from mia_ai_agent.models.persona import Persona

__all__ = ["PersonaRepository"]


class PersonaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> PersonaRepository:
        return cls(session)

    async def get(
        self, *, tenant_id: uuid.UUID, persona_id: uuid.UUID, for_update: bool = False
    ) -> Persona | None:
        query = select(Persona).where(
            Persona.tenant_id == tenant_id,
            Persona.id == persona_id,
            Persona.deleted_at.is_(None),
        )
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def serving(
        self, *, tenant_id: uuid.UUID, channel_account_id: uuid.UUID
    ) -> Persona | None:
        """The enabled persona that answers on this number (at most one: the API keeps it so)."""
        query = (
            select(Persona)
            .where(
                Persona.tenant_id == tenant_id,
                Persona.enabled,
                Persona.deleted_at.is_(None),
                Persona.channel_account_ids.contains([channel_account_id]),
            )
            .order_by(Persona.id)
            .limit(1)
        )
        return (await self.session.scalars(query)).one_or_none()

    async def others_serving(
        self,
        *,
        tenant_id: uuid.UUID,
        channel_account_ids: Sequence[uuid.UUID],
        besides: uuid.UUID | None,
    ) -> list[tuple[str, list[uuid.UUID]]]:
        """(name, numbers) of the other enabled personas on any of these numbers."""
        if not channel_account_ids:
            return []
        query = select(Persona.name, Persona.channel_account_ids).where(
            Persona.tenant_id == tenant_id,
            Persona.enabled,
            Persona.deleted_at.is_(None),
            Persona.channel_account_ids.overlap(list(channel_account_ids)),
        )
        if besides is not None:
            query = query.where(Persona.id != besides)
        return [(name, list(ids)) for name, ids in (await self.session.execute(query)).all()]

    async def known_knowledge_bases(
        self, *, tenant_id: uuid.UUID, ids: Sequence[uuid.UUID]
    ) -> set[uuid.UUID]:
        if not ids:
            return set()
        query = select(KnowledgeBase.id).where(
            KnowledgeBase.tenant_id == tenant_id, KnowledgeBase.id.in_(list(ids))
        )
        return set((await self.session.scalars(query)).all())

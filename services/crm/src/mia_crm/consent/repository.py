"""SQL about consent: the current state per contact and channel, and the ledger."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import keyset
from mia_crm.batch_sql import unnested
from mia_crm.models import ConsentEvent, ContactConsent

__all__ = ["ConsentRepository"]


class ConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> ConsentRepository:
        return cls(session)

    async def set_current(
        self,
        *,
        tenant_id: uuid.UUID,
        contact_id: uuid.UUID,
        channel: str,
        status: str,
        source: str,
        actor_user_id: uuid.UUID | None,
        occurred_at: datetime,
    ) -> bool:
        """Make ``status`` the channel's current state unless it already is, or a later
        change is already recorded; True when it changed. One statement (the row lock of
        the upsert serializes concurrent changes of one contact's channel)."""
        values = {
            "tenant_id": tenant_id,
            "contact_id": contact_id,
            "channel": channel,
            "status": status,
            "source": source,
            "actor_user_id": actor_user_id,
            "occurred_at": occurred_at,
        }
        inserting = insert(ContactConsent).values(**values)
        table = ContactConsent.__table__.c
        statement = inserting.on_conflict_do_update(
            index_elements=[ContactConsent.contact_id, ContactConsent.channel],
            set_={
                "status": inserting.excluded.status,
                "source": inserting.excluded.source,
                "actor_user_id": inserting.excluded.actor_user_id,
                "occurred_at": inserting.excluded.occurred_at,
                "updated_at": func.now(),
            },
            where=(table.status != inserting.excluded.status)
            & (table.occurred_at <= inserting.excluded.occurred_at),
        ).returning(ContactConsent.contact_id)
        return (await self.session.execute(statement)).first() is not None

    async def append(self, event: ConsentEvent) -> ConsentEvent:
        self.session.add(event)
        await self.session.flush()
        return event

    async def current_of(
        self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID
    ) -> list[ContactConsent]:
        query = select(ContactConsent).where(
            ContactConsent.tenant_id == tenant_id, ContactConsent.contact_id == contact_id
        )
        return list((await self.session.scalars(query)).all())

    async def current_for_update(self, *, contact_id: uuid.UUID) -> list[ContactConsent]:
        query = (
            select(ContactConsent)
            .where(ContactConsent.contact_id == contact_id)
            .order_by(ContactConsent.channel)
            .with_for_update()
        )
        return list((await self.session.scalars(query)).all())

    async def history_page(
        self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID, cursor: str | None, limit: int
    ) -> list[ConsentEvent]:
        """Newest first."""
        query = select(ConsentEvent).where(
            ConsentEvent.tenant_id == tenant_id, ConsentEvent.contact_id == contact_id
        )
        query = keyset(
            query, keys=[ConsentEvent.occurred_at, ConsentEvent.id], cursor=cursor, limit=limit
        )
        return list((await self.session.scalars(query)).all())

    async def move_history(self, *, from_contact_id: uuid.UUID, to_contact_id: uuid.UUID) -> None:
        await self.session.execute(
            update(ConsentEvent)
            .where(ConsentEvent.contact_id == from_contact_id)
            .values(contact_id=to_contact_id)
        )

    async def drop_current(self, *, contact_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(ContactConsent).where(ContactConsent.contact_id == contact_id)
        )

    async def clear_notes(self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID) -> None:
        """Free text may name the person; the rest of the ledger names nobody."""
        await self.session.execute(
            update(ConsentEvent)
            .where(ConsentEvent.tenant_id == tenant_id, ConsentEvent.contact_id == contact_id)
            .values(note=None)
        )

    async def set_current_many(
        self,
        *,
        tenant_id: uuid.UUID,
        contact_ids: Sequence[uuid.UUID],
        channel: str,
        status: str,
        source: str,
        actor_user_id: uuid.UUID | None,
        occurred_at: datetime,
    ) -> list[uuid.UUID]:
        """``set_current`` for many contacts in one statement (the contacts' ids one array
        parameter, taken in id order so two writers of shared contacts never deadlock);
        the ids whose state changed, in id order."""
        if not contact_ids:
            return []
        given = select(
            func.unnest(literal(sorted(set(contact_ids)), ARRAY(UUID(as_uuid=True)))).label(
                "contact_id"
            )
        ).subquery("given")
        rows = select(
            literal(tenant_id, UUID(as_uuid=True)),
            given.c.contact_id,
            literal(channel, String()),
            literal(status, String()),
            literal(source, String()),
            literal(actor_user_id, UUID(as_uuid=True)),
            literal(occurred_at, DateTime(timezone=True)),
        ).order_by(given.c.contact_id)
        inserting = insert(ContactConsent).from_select(
            [
                "tenant_id",
                "contact_id",
                "channel",
                "status",
                "source",
                "actor_user_id",
                "occurred_at",
            ],
            rows,
        )
        table = ContactConsent.__table__.c
        statement = inserting.on_conflict_do_update(
            index_elements=[ContactConsent.contact_id, ContactConsent.channel],
            set_={
                "status": inserting.excluded.status,
                "source": inserting.excluded.source,
                "actor_user_id": inserting.excluded.actor_user_id,
                "occurred_at": inserting.excluded.occurred_at,
                "updated_at": func.now(),
            },
            where=(table.status != inserting.excluded.status)
            & (table.occurred_at <= inserting.excluded.occurred_at),
        ).returning(ContactConsent.contact_id)
        return sorted((await self.session.scalars(statement)).all())

    async def append_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Ledger entries (dicts keyed by the columns, ``id`` included), one statement."""
        if not rows:
            return
        columns = [
            ConsentEvent.id,
            ConsentEvent.tenant_id,
            ConsentEvent.contact_id,
            ConsentEvent.channel,
            ConsentEvent.status,
            ConsentEvent.source,
            ConsentEvent.actor_user_id,
            ConsentEvent.actor_api_key_id,
            ConsentEvent.note,
            ConsentEvent.occurred_at,
        ]
        await self.session.execute(
            insert(ConsentEvent).from_select([c.key for c in columns], unnested(columns, rows))
        )

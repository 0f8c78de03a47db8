"""Contacts (and what hangs on them) written straight to the database, for tests that need
many of them or fields the API does not set."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert

from mia_crm.models import Contact
from support.world import World


async def add_contacts(world: World, *rows: dict[str, Any]) -> list[uuid.UUID]:
    """Insert contacts of the world's tenant; their ids, in order."""
    async with world.app.state.context.infra.sessions() as session, session.begin():
        ids = (
            await session.scalars(
                insert(Contact).returning(Contact.id),
                [{"tenant_id": world.tenant_id, **row} for row in rows],
            )
        ).all()
    return list(ids)


async def add_contact(world: World, **fields: Any) -> uuid.UUID:
    (contact_id,) = await add_contacts(world, fields)
    return contact_id

"""A contact's data export: everything the crm holds about the person, as one JSON
document, written while it is read.

The document is produced piece by piece (the profile, tags, consent, then each
conversation with its notes and its messages, then each lead with its stage history),
each table read a page at a time, so a contact with a hundred thousand messages costs
the same memory as one with ten. It is read in one REPEATABLE READ transaction of its own
(the request's has ended when the body is written): one consistent picture.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_crm.privacy.repository import PrivacyRepository

__all__ = ["EXPORT_FORMAT", "export_contact"]

EXPORT_FORMAT: Final = "mia.crm.contact-export.v1"

# The order of the tables' history indexes (the thread's, the ledger's).
_BY_TIME: Final = ("occurred_at", "id")

# Internal bookkeeping, not about the person.
_LEFT_OUT: Final = frozenset({"tenant_id"})


def _default(value: Any) -> Any:
    # asyncpg's UUIDs subclass uuid.UUID, which orjson takes in its exact type only.
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, bytes):
        return None
    raise TypeError(type(value).__name__)


def _json(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in _LEFT_OUT}


async def _array(rows: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    yield b"["
    first = True
    async for row in rows:
        yield (b"" if first else b",") + _json(_clean(row))
        first = False
    yield b"]"


async def export_contact(
    sessions: async_sessionmaker[AsyncSession],
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    now: datetime,
) -> AsyncIterator[bytes]:
    """The export's bytes, in pieces; the contact must exist (checked by the caller)."""
    async with sessions() as session, session.begin():
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        repository = PrivacyRepository.from_session(session)
        contact = await repository.contact(tenant_id=tenant_id, contact_id=contact_id)
        yield b'{"format":' + _json(EXPORT_FORMAT) + b',"exported_at":' + _json(now)
        yield b',"contact":' + _json(_clean(contact))
        yield b',"tags":' + _json(await repository.tags(contact_id=contact_id))
        yield b',"consent":{"current":'
        async for piece in _array(repository.rows("contact_consents", contact_id=contact_id)):
            yield piece
        yield b',"history":'
        async for piece in _array(
            repository.rows("consent_events", order=_BY_TIME, contact_id=contact_id)
        ):
            yield piece
        yield b'},"conversations":['
        conversation_ids = await repository.conversation_ids(
            tenant_id=tenant_id, contact_id=contact_id
        )
        for index, conversation_id in enumerate(conversation_ids):
            conversation = await repository.one("conversations", row_id=conversation_id)
            yield (b"," if index else b"") + _json(_clean(conversation))[:-1]
            yield b',"notes":'
            async for piece in _array(
                repository.rows("conversation_notes", conversation_id=conversation_id)
            ):
                yield piece
            yield b',"messages":'
            async for piece in _array(
                repository.rows("messages", order=_BY_TIME, conversation_id=conversation_id)
            ):
                yield piece
            yield b"}"
        yield b'],"leads":['
        for index, lead_id in enumerate(
            await repository.lead_ids(tenant_id=tenant_id, contact_id=contact_id)
        ):
            lead = await repository.one("leads", row_id=lead_id)
            yield (b"," if index else b"") + _json(_clean(lead))[:-1]
            yield b',"stage_changes":'
            async for piece in _array(repository.rows("lead_stage_changes", lead_id=lead_id)):
                yield piece
            yield b"}"
        yield b"]}"

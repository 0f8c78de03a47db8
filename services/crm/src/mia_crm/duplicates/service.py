"""Merge suggestions: listing, accepting (a merge) and dismissing them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import InvalidCursor, decode_cursor, encode_cursor
from mia_crm.contacts.merge import merge_contacts
from mia_crm.duplicates.errors import SameContact
from mia_crm.duplicates.repository import REASONS, DuplicateRepository, PairKey
from mia_crm.errors import ContactNotFound
from mia_crm.models import Contact

__all__ = ["dismiss_pair", "merge_pair", "suggestion_page"]


async def suggestion_page(
    session: AsyncSession, *, tenant_id: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[tuple[str, Contact, Contact]], str | None]:
    """A page of (reason, contact, other contact) and the next cursor."""
    repository = DuplicateRepository.from_session(session)
    keys = await repository.suggestions(tenant_id=tenant_id, after=_decode(cursor), limit=limit + 1)
    page, more = keys[:limit], len(keys) > limit
    contacts = await repository.contacts(
        tenant_id=tenant_id,
        contact_ids={i for key in page for i in (key.contact_id, key.other_contact_id)},
    )
    pairs = [(key.reason, contacts[key.contact_id], contacts[key.other_contact_id]) for key in page]
    return pairs, _encode(page[-1]) if more else None


async def merge_pair(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    survivor_id: uuid.UUID,
    absorbed_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
    contacts_topic: str,
    inbox_topic: str,
    now: datetime,
) -> Contact:
    """Folds ``absorbed_id`` into ``survivor_id`` (both the tenant's, else 404)."""
    if survivor_id == absorbed_id:
        raise SameContact("a contact cannot be merged into itself")
    found = await DuplicateRepository.from_session(session).lock_pair(
        tenant_id=tenant_id, contact_ids=[survivor_id, absorbed_id]
    )
    survivor, absorbed = _both(found, survivor_id, absorbed_id)
    await merge_contacts(
        session,
        survivor=survivor,
        absorbed=absorbed,
        contacts_topic=contacts_topic,
        inbox_topic=inbox_topic,
        actor_user_id=actor_user_id,
        now=now,
    )
    return survivor


async def dismiss_pair(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    a: uuid.UUID,
    b: uuid.UUID,
    user_id: uuid.UUID | None,
) -> None:
    if a == b:
        raise SameContact("a contact is always itself")
    repository = DuplicateRepository.from_session(session)
    _both(await repository.contacts(tenant_id=tenant_id, contact_ids=[a, b]), a, b)
    await repository.dismiss(tenant_id=tenant_id, contact_id=a, other_contact_id=b, user_id=user_id)


def _both(
    found: dict[uuid.UUID, Contact], first: uuid.UUID, second: uuid.UUID
) -> tuple[Contact, Contact]:
    for contact_id in (first, second):
        if contact_id not in found:
            raise ContactNotFound(f"no contact {contact_id}")
    return found[first], found[second]


# The shared value may hold any character (an email may hold "|"), so it travels as hex.
def _encode(key: PairKey) -> str:
    return encode_cursor([key.reason, key.key.encode().hex(), key.contact_id, key.other_contact_id])


def _decode(cursor: str | None) -> PairKey | None:
    if cursor is None:
        return None
    reason, hex_key, first, second = decode_cursor(cursor, [str, str, uuid.UUID, uuid.UUID])
    if reason not in REASONS:
        raise InvalidCursor
    try:
        key = bytes.fromhex(hex_key).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor from None
    return PairKey(reason, key, first, second)

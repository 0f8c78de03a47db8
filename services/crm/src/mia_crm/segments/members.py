"""The member stream: every contact a filter matches, as NDJSON, in ``contacts.id`` order.

Read in keyset batches (``id > last`` ... ``LIMIT BATCH``), each batch in a short
transaction of its own, and yielded as soon as it is encoded: the crm never holds more
than one batch, however many contacts match, and a reader that lost the connection
resumes with ``after=<the last id it read>``. Each line is one contact: id, phone,
channel_user_id, email, name, language, time_zone (set, or derived from the phone) and
``fields`` (the custom fields asked for; null where the contact has no value).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import orjson
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_crm.contacts.profile import derived_time_zone
from mia_crm.models import Contact, CustomField
from mia_crm.segments.errors import UnknownMemberField

__all__ = ["BATCH", "MAX_MEMBER_FIELDS", "check_member_fields", "member_lines"]

BATCH = 5_000
"""Contacts per read (and per chunk of the answer)."""
MAX_MEMBER_FIELDS = 50


async def check_member_fields(
    session: AsyncSession, *, tenant_id: uuid.UUID, keys: Sequence[str]
) -> None:
    """``UnknownMemberField`` for a key the tenant has no custom field for."""
    if not keys:
        return
    known = set(
        await session.scalars(
            select(CustomField.key).where(
                CustomField.tenant_id == tenant_id, CustomField.key.in_(set(keys))
            )
        )
    )
    for key in keys:
        if key not in known:
            raise UnknownMemberField(f"fields: no custom field {key!r}", field=key)


async def member_lines(
    sessions: async_sessionmaker[AsyncSession],
    condition: ColumnElement[bool],
    *,
    after: uuid.UUID | None,
    keys: Sequence[str],
    batch: int = BATCH,
) -> AsyncIterator[bytes]:
    """NDJSON chunks of the contacts ``condition`` matches, after ``after``, by id."""
    columns: list[Any] = [
        Contact.id,
        Contact.phone,
        Contact.channel_user_id,
        Contact.email,
        Contact.name,
        Contact.language,
        Contact.time_zone,
        *(Contact.fields[key].label(f"field_{index}") for index, key in enumerate(keys)),
    ]
    last = after
    while True:
        query = select(*columns).where(condition).order_by(Contact.id).limit(batch)
        if last is not None:
            query = query.where(Contact.id > last)
        async with sessions() as session:
            rows = (await session.execute(query)).all()
        if not rows:
            return
        yield _encode(rows, keys)
        if len(rows) < batch:
            return
        last = rows[-1][0]


def _encode(rows: Sequence[Any], keys: Sequence[str]) -> bytes:
    dumps = orjson.dumps
    lines = []
    for row in rows:
        contact_id, phone, channel_user_id, email, name, language, time_zone = row[:7]
        lines.append(
            dumps(
                {
                    "id": str(contact_id),
                    "phone": phone,
                    "channel_user_id": channel_user_id,
                    "email": email,
                    "name": name,
                    "language": language,
                    "time_zone": time_zone or _zone_of(phone),
                    "fields": dict(zip(keys, row[7:], strict=True)),
                }
            )
        )
    lines.append(b"")
    return b"\n".join(lines)


def _zone_of(phone: str | None) -> str | None:
    if not phone:
        return None
    # The zone depends on the number's first digits (phonenumbers' map goes 9 digits deep)
    # and its type, which its length tells apart: one look-up per prefix, not per number.
    key = (phone[:10], len(phone))
    try:
        return _ZONES[key]
    except KeyError:
        pass
    if len(_ZONES) >= _ZONES_MAX:
        _ZONES.clear()
    zone = _ZONES[key] = derived_time_zone(phone)
    return zone


_ZONES: dict[tuple[str, int], str | None] = {}
_ZONES_MAX = 65_536

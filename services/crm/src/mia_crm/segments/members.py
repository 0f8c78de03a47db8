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
from sqlalchemy import ColumnElement, String, Text, cast, func, literal, select, text
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
    # PostgreSQL writes each line but its time zone (json_build_object keeps the order):
    # Python only adds the zone, derived from the phone where none is set.
    fields = func.json_build_object(
        *(part for key in keys for part in (literal(key, String), Contact.fields[key]))
    )
    line = func.json_build_object(
        literal("id", String),
        Contact.id,
        literal("phone", String),
        Contact.phone,
        literal("channel_user_id", String),
        Contact.channel_user_id,
        literal("email", String),
        Contact.email,
        literal("name", String),
        Contact.name,
        literal("language", String),
        Contact.language,
        literal("fields", String),
        fields,
    )
    columns = (Contact.id, cast(line, Text), Contact.time_zone, Contact.phone)
    last = after
    while True:
        query = select(*columns).where(condition).order_by(Contact.id).limit(batch)
        if last is not None:
            query = query.where(Contact.id > last)
        async with sessions() as session, session.begin():
            # No JIT: it would compile for longer than a batch takes to read.
            await session.execute(text("SET LOCAL jit = off"))
            rows = (await session.execute(query)).all()
        if not rows:
            return
        yield _encode(rows)
        if len(rows) < batch:
            return
        last = rows[-1][0]


def _encode(rows: Sequence[Any]) -> bytes:
    dumps = orjson.dumps
    lines: list[str] = []
    append = lines.append
    for _, partial, time_zone, phone in rows:
        zone = dumps(time_zone or _zone_of(phone)).decode()
        append(f'{partial[:-1]}, "time_zone" : {zone}}}')
    lines.append("")
    return "\n".join(lines).encode()


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

"""The member stream: every contact a filter matches, as NDJSON, in ``contacts.id`` order.

Read in keyset batches (``id > last`` ... ``LIMIT BATCH``), each batch in a short
transaction of its own, and yielded as soon as it is encoded: the crm never holds more
than one batch, however many contacts match, and a reader that lost the connection
resumes with ``after=<the last id it read>``. Each line is one contact: id, phone,
channel_user_id, email, name, language, time_zone (set, or derived from the phone) and
``fields`` (the custom fields asked for; null where the contact has no value).
"""

from __future__ import annotations

import asyncio
import contextlib
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
    # The id as text: only the last one is read (the next batch's key), and text skips the
    # conversion to uuid.UUID of every row's.
    columns = (cast(Contact.id, Text), cast(line, Text), Contact.time_zone, Contact.phone)

    async def read(last: uuid.UUID | None) -> Sequence[Any]:
        query = select(*columns).where(condition).order_by(Contact.id).limit(batch)
        if last is not None:
            query = query.where(Contact.id > last)
        async with sessions() as session, session.begin():
            # Core, not the ORM's row loading (a third of the time); no JIT: it would compile
            # for longer than a batch takes to read.
            connection = await session.connection()
            await connection.execute(text("SET LOCAL jit = off"))
            return (await connection.execute(query)).all()

    # The next batch is read while this one is encoded and sent: PostgreSQL writes its
    # JSON while Python works on the one before (one batch ahead, never more).
    pending: asyncio.Task[Sequence[Any]] | None = asyncio.ensure_future(read(after))
    try:
        while pending is not None:
            rows = await pending
            pending = None
            if not rows:
                return
            if len(rows) == batch:
                pending = asyncio.ensure_future(read(uuid.UUID(rows[-1][0])))
            yield _encode(rows)
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending


def _encode(rows: Sequence[Any]) -> bytes:
    lines: list[str] = []
    append = lines.append
    for _, partial, time_zone, phone in rows:
        end = _ending(time_zone) if time_zone else _derived_ending(phone)
        append(partial[:-1] + end)
    lines.append("")
    return "\n".join(lines).encode()


def _ending(time_zone: str | None) -> str:
    """The end of a line: its time zone and the closing brace."""
    return f', "time_zone" : {orjson.dumps(time_zone).decode()}}}'


_NO_ZONE = _ending(None)


def _derived_ending(phone: str | None) -> str:
    if not phone:
        return _NO_ZONE
    # The zone depends on the number's first digits (phonenumbers' map goes 9 digits deep)
    # and its type, which its length tells apart: one look-up per prefix, not per number.
    key = (phone[:10], len(phone))
    try:
        return _ZONES[key]
    except KeyError:
        pass
    if len(_ZONES) >= _ZONES_MAX:
        _ZONES.clear()
    ending = _ZONES[key] = _ending(derived_time_zone(phone))
    return ending


_ZONES: dict[tuple[str, int], str] = {}
_ZONES_MAX = 65_536

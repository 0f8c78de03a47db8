"""The member stream: every contact a selection matches, as NDJSON, in ``contacts.id`` order.

The selection is a condition on ``contacts`` that holds the tenant: a filter's
(``compiler.contact_condition``) or a list of ids (``listed_contacts``). Read in keyset
batches (``id > last`` ... ``LIMIT BATCH``), each batch in a short transaction of its own
with its contacts' consent (one more query per batch, never one per contact), the next one
read while the last is encoded and sent: the crm never holds more than two batches,
however many contacts match, and a reader that lost the connection resumes with
``after=<the last id it read>``. Each line is one contact: id, phone, channel_user_id,
email, name, language, time_zone (set, or derived from the phone), last_inbound_at (when
they last wrote: what the 24-hour window counts from; null: never), ``consent``
(``{"whatsapp": ..., "sms": ...}``: ``opted_in``, ``opted_out``, or null where the contact
has no ``contact_consents`` row for the channel) and ``fields`` (the custom fields asked
for; null where the contact has no value).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import orjson
from sqlalchemy import ColumnElement, Text, and_, any_, cast, literal, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_crm.batch_sql import one_of
from mia_crm.contacts.profile import derived_time_zone
from mia_crm.custom_fields.repository import live
from mia_crm.models import Contact, ContactConsent, CustomField
from mia_crm.segments.errors import UnknownMemberField
from mia_crm.segments.filters import FIELD_KEY_PATTERN

__all__ = [
    "BATCH",
    "CONSENT_CHANNELS",
    "MAX_MEMBER_FIELDS",
    "check_member_fields",
    "listed_contacts",
    "member_lines",
]

BATCH = 5_000
"""Contacts per read (and per chunk of the answer)."""
MAX_MEMBER_FIELDS = 50
CONSENT_CHANNELS = ("whatsapp", "sms")
"""The channels a member line tells the consent of (the ones campaigns send on)."""
_FIELD_KEY = re.compile(FIELD_KEY_PATTERN)


async def check_member_fields(
    session: AsyncSession, *, tenant_id: uuid.UUID, keys: Sequence[str]
) -> None:
    """``UnknownMemberField`` for a key the tenant has no custom field for."""
    if not keys:
        return
    for key in keys:
        # Never a key a field could have (U+0000 included): no query needed, nor possible.
        if not _FIELD_KEY.fullmatch(key):
            raise UnknownMemberField(f"fields: no custom field {key!r}", field=key)
    known = set(
        await session.scalars(
            select(CustomField.key).where(
                CustomField.tenant_id == tenant_id, CustomField.key.in_(set(keys)), live()
            )
        )
    )
    for key in keys:
        if key not in known:
            raise UnknownMemberField(f"fields: no custom field {key!r}", field=key)


def listed_contacts(
    tenant_id: uuid.UUID, contact_ids: Collection[uuid.UUID]
) -> ColumnElement[bool]:
    """The tenant's contacts among ``contact_ids``: another tenant's ids, and those of
    contacts deleted since, match nothing. The ids go as one array (``batch_sql``)."""
    return and_(Contact.tenant_id == tenant_id, one_of(Contact.id, set(contact_ids)))


class _Batch(NamedTuple):
    rows: Sequence[Any]
    statuses: dict[str, dict[str, str]]
    """contact id (text) -> channel -> status, for the contacts that have a row."""


async def member_lines(
    sessions: async_sessionmaker[AsyncSession],
    condition: ColumnElement[bool],
    *,
    tenant_id: uuid.UUID,
    after: uuid.UUID | None,
    keys: Sequence[str],
    batch: int = BATCH,
) -> AsyncIterator[bytes]:
    """NDJSON chunks of the contacts ``condition`` (a condition on ``tenant_id``'s
    contacts) matches, after ``after``, by id."""
    # The id as text: text skips a conversion to uuid.UUID for every row. The custom fields
    # come as their JSON text, put into the line as they are (nothing parses them).
    columns = (
        cast(Contact.id, Text),
        Contact.phone,
        Contact.channel_user_id,
        Contact.email,
        Contact.name,
        Contact.language,
        Contact.time_zone,
        Contact.last_inbound_at,
        *(cast(Contact.fields[key], Text) for key in keys),
    )
    # The keys are field keys ([a-z][a-z0-9_]*): no escaping.
    names = [f'"{key}": ' for key in keys]

    async def read(last: uuid.UUID | None) -> _Batch:
        query = select(*columns).where(condition).order_by(Contact.id).limit(batch)
        if last is not None:
            query = query.where(Contact.id > last)
        async with sessions() as session, session.begin():
            # Core, not the ORM's row loading (a third of the time); no JIT: it would compile
            # for longer than a batch takes to read.
            connection = await session.connection()
            await connection.execute(text("SET LOCAL jit = off"))
            rows = (await connection.execute(query)).all()
            if not rows:
                return _Batch(rows, {})
            # The batch's consent in one query, by the batch's ids (the primary key
            # (contact_id, channel) answers it), bound as text: no uuid.UUID per row.
            ids = literal([row[0] for row in rows], ARRAY(Text()))
            consents = select(
                cast(ContactConsent.contact_id, Text), ContactConsent.channel, ContactConsent.status
            ).where(
                ContactConsent.contact_id == any_(cast(ids, ARRAY(PG_UUID(as_uuid=True)))),
                ContactConsent.tenant_id == tenant_id,
                ContactConsent.channel.in_(CONSENT_CHANNELS),
            )
            statuses: dict[str, dict[str, str]] = {}
            for contact_id, channel, status in await connection.execute(consents):
                statuses.setdefault(contact_id, {})[channel] = status
            return _Batch(rows, statuses)

    # The next batch is read while this one is encoded and sent: PostgreSQL writes its
    # JSON while Python works on the one before (one batch ahead, never more).
    pending: asyncio.Task[_Batch] | None = asyncio.ensure_future(read(after))
    try:
        while pending is not None:
            rows, statuses = await pending
            pending = None
            if not rows:
                return
            if len(rows) == batch:
                pending = asyncio.ensure_future(read(uuid.UUID(rows[-1][0])))
            yield _encode(rows, statuses, names)
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending


_NO_CONSENT: dict[str, str] = {}


def _encode(
    rows: Sequence[Any], statuses: dict[str, dict[str, str]], names: Sequence[str]
) -> bytes:
    dumps = orjson.dumps
    lines: list[str] = []
    append = lines.append
    for row in rows:
        contact_id, phone, channel_user_id, email, name, language, time_zone, inbound = row[:8]
        head = dumps(
            {
                "id": contact_id,
                "phone": phone,
                "channel_user_id": channel_user_id,
                "email": email,
                "name": name,
                "language": language,
                "time_zone": time_zone or _derived_zone(phone),
                "last_inbound_at": inbound,
            }
        ).decode()
        values = ", ".join(
            [
                label + ("null" if value is None else value)
                for label, value in zip(names, row[8:], strict=True)
            ]
        )
        consent = statuses.get(contact_id, _NO_CONSENT)
        consent_json = _consent_json(consent.get("whatsapp"), consent.get("sms"))
        append(f'{head[:-1]}, "consent": {consent_json}, "fields": {{{values}}}}}')
    lines.append("")
    return "\n".join(lines).encode()


@lru_cache(maxsize=64)
def _consent_json(whatsapp: str | None, sms: str | None) -> str:
    # A handful of combinations (opted in, out, none per channel): each encoded once.
    return orjson.dumps({"whatsapp": whatsapp, "sms": sms}).decode()


def _derived_zone(phone: str | None) -> str | None:
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

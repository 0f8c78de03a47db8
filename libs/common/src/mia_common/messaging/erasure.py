"""Reading ``contact.erased`` off the contacts topic, for every service that takes part in
an erasure (the sender's send log, meta-ingest's media, the gateway's audit log).

The topic carries every contact change; a service that cares only about erasures drops the
others before parsing them: a record whose bytes do not name the type cannot be one.

An erasure is one record or several (``erasure_parts``): part 1 carries the addresses,
every part a page of the media, so each stays far below Kafka's 1 MB record.
"""

from __future__ import annotations

import orjson
from pydantic import ValidationError

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased, ErasedMedia
from mia_common.messaging.retry import PermanentError

__all__ = [
    "ERASED_MEDIA_BYTES_PER_PART",
    "ERASED_MEDIA_PER_PART",
    "ERASED_TYPE",
    "erased_event_of",
    "erasure_parts",
]

ERASED_TYPE = "contact.erased"
_ERASED = ERASED_TYPE.encode()

ERASED_MEDIA_PER_PART = 2000
"""Media named by one record at most."""
ERASED_MEDIA_BYTES_PER_PART = 256 * 1024
"""The JSON of one record's media at most (about 100 bytes each for Meta's ids); a single
media id longer than this still gets a record of its own."""
_MEDIA_JSON_OVERHEAD = 64  # {"channel_account_id":"<36>","media_id":""}, and a comma


def erased_event_of(value: bytes) -> Envelope[ContactErased] | None:
    """The erasure in a record of the contacts topic; None for the topic's other events.
    A record that claims to be one but is not readable raises ``PermanentError`` (it is
    dead-lettered with the reason)."""
    if _ERASED not in value:
        return None
    try:
        raw = orjson.loads(value)
    except orjson.JSONDecodeError as error:
        raise PermanentError(f"not JSON: {error}") from None
    if not isinstance(raw, dict) or raw.get("type") != ERASED_TYPE:
        return None
    try:
        return Envelope[ContactErased].model_validate(raw)
    except ValidationError as error:
        raise PermanentError(f"not a contact.erased event: {error}") from None


def erasure_parts(erased: ContactErased) -> list[ContactErased]:
    """``erased`` as the records to publish, in order: itself when its media fit in one,
    else ``parts`` records of at most ``ERASED_MEDIA_PER_PART`` media and
    ``ERASED_MEDIA_BYTES_PER_PART`` bytes of them, the addresses on the first only."""
    pages: list[list[ErasedMedia]] = [[]]
    size = 0
    for item in erased.media:
        cost = len(item.media_id.encode()) + _MEDIA_JSON_OVERHEAD
        page = pages[-1]
        if page and (
            len(page) >= ERASED_MEDIA_PER_PART or size + cost > ERASED_MEDIA_BYTES_PER_PART
        ):
            pages.append([])
            size = 0
        pages[-1].append(item)
        size += cost
    if len(pages) == 1:
        return [erased.model_copy(update={"part": 1, "parts": 1})]
    first = erased.model_copy(update={"media": pages[0], "part": 1, "parts": len(pages)})
    rest = [
        ContactErased(
            contact_id=erased.contact_id,
            media=page,
            part=number,
            parts=len(pages),
            requested_by_user_id=erased.requested_by_user_id,
            occurred_at=erased.occurred_at,
        )
        for number, page in enumerate(pages[1:], start=2)
    ]
    return [first, *rest]

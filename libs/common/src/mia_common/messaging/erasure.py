"""Reading ``contact.erased`` off the contacts topic, for every service that takes part in
an erasure (the sender's send log, meta-ingest's media, the gateway's audit log).

The topic carries every contact change; a service that cares only about erasures drops the
others before parsing them: a record whose bytes do not name the type cannot be one.
"""

from __future__ import annotations

import orjson
from pydantic import ValidationError

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased
from mia_common.messaging.retry import PermanentError

__all__ = ["ERASED_TYPE", "erased_event_of"]

ERASED_TYPE = "contact.erased"
_ERASED = ERASED_TYPE.encode()


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

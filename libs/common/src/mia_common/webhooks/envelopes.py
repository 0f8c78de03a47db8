"""The envelope of a webhook's events: ids derived from the provider's, keys by conversation.

A provider retries a delivery it is not sure we got; the same delivery must then yield the
same events, so an event id is a UUIDv5 of what the provider said (a per-provider
namespace and name), never random. Encoding writes the CloudEvents envelope of
``mia_common.contracts.Envelope`` straight to JSON with orjson, the payload serialized
once by pydantic: the webhook hot path does not build and dump an ``Envelope`` model.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import orjson
from pydantic import BaseModel

__all__ = ["conversation_key", "derived_event_id", "encode_envelope"]

_JSON_OPTIONS = orjson.OPT_UTC_Z


def derived_event_id(namespace: uuid.UUID, name: str) -> uuid.UUID:
    """The event id of ``name`` (what happened, in the provider's ids) in a namespace."""
    return uuid.uuid5(namespace, name)


def conversation_key(tenant_id: uuid.UUID, account_id: uuid.UUID, contact: str | None) -> bytes:
    """The record key of a conversation's events, so they stay in order on one partition.

    Every channel uses this one key (tenant, channel account, the contact's address).
    """
    return f"{tenant_id}:{account_id}:{contact}".encode()


def encode_envelope(
    *,
    id: uuid.UUID,
    type: str,
    source: str,
    time: datetime,
    tenant_id: uuid.UUID,
    subject: str | None,
    data: BaseModel,
) -> bytes:
    """The JSON of ``Envelope(id=..., ..., data=data)``, as ``model_dump_json`` writes it."""
    return orjson.dumps(
        {
            "specversion": "1.0",
            # str(): a UUID subclass (asyncpg's, read from a table) is not orjson's UUID.
            "id": str(id),
            "type": type,
            "source": source,
            "time": time,
            "tenantid": str(tenant_id),
            "subject": subject,
            "datacontenttype": "application/json",
            "data": orjson.Fragment(data.__pydantic_serializer__.to_json(data)),
        },
        option=_JSON_OPTIONS,
    )

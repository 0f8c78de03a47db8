"""Decrypted credentials of one channel account, as the provider clients need them.

Built from the stored row only where a provider call or a webhook check needs the secret,
and never stored or logged: the row keeps the sealed values.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

__all__ = ["MetaAccountCredentials", "SmsAccountCredentials"]


@dataclass(frozen=True, slots=True)
class SmsAccountCredentials:
    """What the Twilio webhooks need to check a callback's signature and route it.

    ``status`` is the account's status value (active, paused, disconnected, deleted).
    """

    tenant_id: uuid.UUID
    account_id: uuid.UUID
    auth_token: str = field(repr=False)
    from_number: str | None
    status: str


@dataclass(frozen=True, slots=True)
class MetaAccountCredentials:
    """What the Meta client needs for one WhatsApp Cloud API number."""

    account_id: uuid.UUID
    phone_number_id: str
    access_token: str = field(repr=False)

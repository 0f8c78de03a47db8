"""Decrypted credentials of one channel account, as the provider clients need them.

Built from the stored row only where a provider call or a webhook check needs the secret,
and never stored or logged: the row keeps the sealed values. A stored secret that cannot
be used (it does not open with the key ring, or it is of a form the provider never
accepts) is ``UnusableCredentials``, which says why in words a person acts on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

__all__ = ["MetaAccountCredentials", "SmsAccountCredentials", "UnusableCredentials"]


class UnusableCredentials(Exception):
    """A stored credential of the account cannot be used for a provider call.

    ``code`` is ``credentials_missing``, ``credentials_unreadable`` (sealed under a key the
    key ring no longer has, or damaged) or ``credentials_invalid`` (saved before its format
    was checked); ``detail`` tells a person what to do.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


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

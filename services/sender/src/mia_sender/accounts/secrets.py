"""Sealing and opening an account's secrets with the platform key ring.

Each secret is bound (associated data) to its account and to what it is, so a sealed
value copied into another row or field no longer opens. The Meta app secret and access
token use the bindings of ``mia_common.contracts.channels``: the very values stored here
travel on ``channels.state.v1`` and meta-ingest opens them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from mia_common.contracts.channels import (
    access_token_associated_data,
    app_secret_associated_data,
)
from mia_common.crypto import KeyRing

__all__ = ["AccountSecrets", "SecretField", "auth_token_associated_data"]


def auth_token_associated_data(account_id: uuid.UUID) -> bytes:
    """What a Twilio auth token is bound to."""
    return b"auth_token:" + str(account_id).encode()


@dataclass(frozen=True, slots=True)
class SecretField:
    """How an API response shows a secret: whether it is set, and its last characters."""

    configured: bool
    last4: str | None


class AccountSecrets:
    def __init__(self, key_ring: KeyRing) -> None:
        self._ring = key_ring

    def seal_access_token(self, account_id: uuid.UUID, token: str) -> str:
        return self._ring.encrypt_text(
            token, associated_data=access_token_associated_data(account_id)
        )

    def open_access_token(self, account_id: uuid.UUID, sealed: str) -> str:
        return self._ring.decrypt_text(
            sealed, associated_data=access_token_associated_data(account_id)
        )

    def seal_app_secret(self, account_id: uuid.UUID, secret: str) -> str:
        return self._ring.encrypt_text(
            secret, associated_data=app_secret_associated_data(account_id)
        )

    def open_app_secret(self, account_id: uuid.UUID, sealed: str) -> str:
        return self._ring.decrypt_text(
            sealed, associated_data=app_secret_associated_data(account_id)
        )

    def seal_auth_token(self, account_id: uuid.UUID, token: str) -> str:
        return self._ring.encrypt_text(
            token, associated_data=auth_token_associated_data(account_id)
        )

    def open_auth_token(self, account_id: uuid.UUID, sealed: str) -> str:
        return self._ring.decrypt_text(
            sealed, associated_data=auth_token_associated_data(account_id)
        )

    @staticmethod
    def shown(plaintext: str | None) -> SecretField:
        """Never the secret: whether it is set and its last four characters (to recognise it)."""
        if not plaintext:
            return SecretField(configured=False, last4=None)
        return SecretField(configured=True, last4=plaintext[-4:] if len(plaintext) >= 8 else None)

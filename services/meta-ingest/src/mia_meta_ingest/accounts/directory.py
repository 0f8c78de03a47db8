"""The channel accounts this process answers for, in memory, secrets already unsealed.

A webhook delivery must cost no database read and no AES-GCM decrypt: the directory is
filled from the ``channel_accounts`` table when the app starts (before it answers anyone)
and then follows ``channels.state.v1``. Each account's app secret and access token are
unsealed once per version of the account (its state's ``updated_at``), not per delivery.

The rules are the table's (``accounts.service``): a state replaces the account only when
it is newer, a deletion removes it unless the account is newer still. A deletion is also
remembered for the life of the process, so an older state replayed after it (the topic is
read from its start) is recognised as old without touching the table.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from mia_common.contracts import ChannelAccountState, ChannelAccountStatus
from mia_common.contracts.channels import (
    access_token_associated_data,
    app_secret_associated_data,
)
from mia_common.crypto import DecryptionError, KeyRing
from mia_meta_ingest.accounts.service import concerns_us
from mia_meta_ingest.models import ChannelAccount

__all__ = ["AccountDirectory", "KnownAccount"]


@dataclass(frozen=True, slots=True)
class KnownAccount:
    """One WhatsApp Cloud API number as this process knows it."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    phone_number_id: str
    waba_id: str | None
    status: str
    updated_at: datetime
    app_secret: str | None = field(repr=False)
    """Unsealed; None when the state carried none or it does not open with our keys."""
    access_token: str | None = field(repr=False)
    """Unsealed, for media downloads; None like ``app_secret``."""


class AccountDirectory:
    def __init__(self, key_ring: KeyRing) -> None:
        self._key_ring = key_ring
        self._by_id: dict[uuid.UUID, KnownAccount] = {}
        self._by_phone_number_id: dict[str, KnownAccount] = {}
        self._by_waba_id: dict[str, dict[uuid.UUID, KnownAccount]] = {}
        self._deleted_at: dict[uuid.UUID, datetime] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, account_id: uuid.UUID) -> KnownAccount | None:
        return self._by_id.get(account_id)

    def by_phone_number_id(self, phone_number_id: str) -> KnownAccount | None:
        return self._by_phone_number_id.get(phone_number_id)

    def by_waba_id(self, waba_id: str) -> list[KnownAccount]:
        """Every number of a WhatsApp Business Account (template updates name only it)."""
        return list(self._by_waba_id.get(waba_id, {}).values())

    def load(self, rows: Iterable[ChannelAccount]) -> None:
        """Fill the directory from the durable projection (at start, before answering)."""
        for row in rows:
            self._put(
                self._known(
                    # Plain UUIDs: the driver's own UUID type is not what events expect.
                    account_id=uuid.UUID(int=row.id.int),
                    tenant_id=uuid.UUID(int=row.tenant_id.int),
                    phone_number_id=row.phone_number_id,
                    waba_id=row.waba_id,
                    status=row.status,
                    updated_at=row.state_updated_at,
                    app_secret_sealed=row.app_secret_sealed,
                    access_token_sealed=row.access_token_sealed,
                )
            )

    def is_news(self, state: ChannelAccountState) -> bool:
        """Whether ``state`` changes anything: a replayed state it already has does not."""
        if not concerns_us(state):
            return False
        account_id = state.channel_account_id
        known = self._by_id.get(account_id)
        if state.status is ChannelAccountStatus.DELETED:
            return known is not None and known.updated_at <= state.updated_at
        if known is not None:
            return known.updated_at < state.updated_at
        deleted_at = self._deleted_at.get(account_id)
        return deleted_at is None or deleted_at < state.updated_at

    def apply(self, state: ChannelAccountState) -> None:
        """Take ``state`` in (after the table did), unsealing its secrets if it is news."""
        if not self.is_news(state):
            return
        if state.status is ChannelAccountStatus.DELETED:
            self._remove(state.channel_account_id)
            self._deleted_at[state.channel_account_id] = state.updated_at
            return
        assert state.phone_number_id is not None  # concerns_us
        self._deleted_at.pop(state.channel_account_id, None)
        self._put(
            self._known(
                account_id=state.channel_account_id,
                tenant_id=state.tenant_id,
                phone_number_id=state.phone_number_id,
                waba_id=state.waba_id,
                status=state.status.value,
                updated_at=state.updated_at,
                app_secret_sealed=state.app_secret_sealed,
                access_token_sealed=state.access_token_sealed,
            )
        )

    def _known(
        self,
        *,
        account_id: uuid.UUID,
        tenant_id: uuid.UUID,
        phone_number_id: str,
        waba_id: str | None,
        status: str,
        updated_at: datetime,
        app_secret_sealed: str | None,
        access_token_sealed: str | None,
    ) -> KnownAccount:
        return KnownAccount(
            id=account_id,
            tenant_id=tenant_id,
            phone_number_id=phone_number_id,
            waba_id=waba_id,
            status=status,
            updated_at=updated_at,
            app_secret=self._unseal(app_secret_sealed, app_secret_associated_data(account_id)),
            access_token=self._unseal(
                access_token_sealed, access_token_associated_data(account_id)
            ),
        )

    def _unseal(self, sealed: str | None, associated_data: bytes) -> str | None:
        if not sealed:
            return None
        try:
            return self._key_ring.decrypt_text(sealed, associated_data=associated_data)
        except DecryptionError:
            return None

    def _put(self, account: KnownAccount) -> None:
        self._remove(account.id)
        self._by_id[account.id] = account
        self._by_phone_number_id[account.phone_number_id] = account
        if account.waba_id is not None:
            self._by_waba_id.setdefault(account.waba_id, {})[account.id] = account

    def _remove(self, account_id: uuid.UUID) -> None:
        known = self._by_id.pop(account_id, None)
        if known is None:
            return
        # Another account may have taken the number meanwhile: only drop our own entry.
        if self._by_phone_number_id.get(known.phone_number_id) is known:
            del self._by_phone_number_id[known.phone_number_id]
        if known.waba_id is not None:
            numbers = self._by_waba_id.get(known.waba_id, {})
            numbers.pop(account_id, None)
            if not numbers:
                self._by_waba_id.pop(known.waba_id, None)

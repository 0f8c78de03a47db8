"""The channel accounts this process answers for, in memory, secrets already unsealed.

A webhook delivery must cost no database read and no AES-GCM decrypt: the directory is
filled from the ``channel_accounts`` table when the app starts (before it answers anyone)
and then follows ``channels.state.v1``. Each account's app secret and access token are
unsealed once per version of the account (its state's ``updated_at``), not per delivery.

The rules are the table's (``accounts.service``): a state replaces the account only when
it is newer, a deletion removes it unless the account is newer still. A deletion is also
remembered for the life of the process, so an older state replayed after it (the topic is
read from its start) is recognised as old without touching the table.

A deleted account is retired, not forgotten: its app secret (``RetiredAccount``) still
recognises Meta's deliveries for its number, which are then dead-lettered, not refused.
``app_secrets`` is every secret known, live or retired, for a delivery naming no account
we know.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from mia_common.contracts import ChannelAccountState, ChannelAccountStatus
from mia_common.contracts.channels import (
    access_token_associated_data,
    app_secret_associated_data,
)
from mia_common.crypto import DecryptionError, KeyRing
from mia_meta_ingest.accounts.service import concerns_us
from mia_meta_ingest.models import ChannelAccount, RetiredChannelAccount

__all__ = ["AccountDirectory", "KnownAccount", "RetiredAccount"]

_T = TypeVar("_T")


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


@dataclass(frozen=True, slots=True)
class RetiredAccount:
    """A deleted account's number and its app secret (unsealed), which Meta may still use."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    phone_number_id: str
    waba_id: str | None
    retired_at: datetime
    app_secret: str = field(repr=False)


class AccountDirectory:
    def __init__(self, key_ring: KeyRing) -> None:
        self._key_ring = key_ring
        self._by_id: dict[uuid.UUID, KnownAccount] = {}
        self._by_phone_number_id: dict[str, KnownAccount] = {}
        self._by_waba_id: dict[str, dict[uuid.UUID, KnownAccount]] = {}
        self._deleted_at: dict[uuid.UUID, datetime] = {}
        self._retired: dict[uuid.UUID, RetiredAccount] = {}
        self._retired_by_phone_number_id: dict[str, dict[uuid.UUID, RetiredAccount]] = {}
        self._retired_by_waba_id: dict[str, dict[uuid.UUID, RetiredAccount]] = {}
        self._app_secrets: tuple[str, ...] | None = None
        """Every distinct secret, live or retired; built when asked, dropped on a change."""

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, account_id: uuid.UUID) -> KnownAccount | None:
        return self._by_id.get(account_id)

    def by_phone_number_id(self, phone_number_id: str) -> KnownAccount | None:
        return self._by_phone_number_id.get(phone_number_id)

    def by_waba_id(self, waba_id: str) -> list[KnownAccount]:
        """Every number of a WhatsApp Business Account (template updates name only it)."""
        return list(self._by_waba_id.get(waba_id, {}).values())

    def retired_by_phone_number_id(self, phone_number_id: str) -> list[RetiredAccount]:
        return list(self._retired_by_phone_number_id.get(phone_number_id, {}).values())

    def retired_by_waba_id(self, waba_id: str) -> list[RetiredAccount]:
        return list(self._retired_by_waba_id.get(waba_id, {}).values())

    def app_secrets(self) -> tuple[str, ...]:
        """Every distinct app secret of an account, live or retired, in a stable order."""
        if self._app_secrets is None:
            secrets = [known.app_secret for known in self._by_id.values() if known.app_secret]
            secrets.extend(retired.app_secret for retired in self._retired.values())
            self._app_secrets = tuple(dict.fromkeys(secrets))
        return self._app_secrets

    def load(
        self, rows: Iterable[ChannelAccount], *, retired: Iterable[RetiredChannelAccount] = ()
    ) -> None:
        """Fill the directory from the durable projection (at start, before answering)."""
        for old in retired:
            account_id = uuid.UUID(int=old.id.int)
            # A state older than the deletion, replayed from the topic, is then not news.
            self._deleted_at[account_id] = old.retired_at
            secret = self._unseal(old.app_secret_sealed, app_secret_associated_data(account_id))
            if secret is not None:
                self._retire(
                    RetiredAccount(
                        id=account_id,
                        tenant_id=uuid.UUID(int=old.tenant_id.int),
                        phone_number_id=old.phone_number_id,
                        waba_id=old.waba_id,
                        retired_at=old.retired_at,
                        app_secret=secret,
                    )
                )
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
            if known is not None:
                return known.updated_at <= state.updated_at
            # Unknown here: news only for the secret it carries, if not retired already.
            retired = self._retired.get(account_id)
            return state.app_secret_sealed is not None and (
                retired is None or retired.retired_at < state.updated_at
            )
        if known is not None:
            return known.updated_at < state.updated_at
        deleted_at = self._deleted_at.get(account_id)
        return deleted_at is None or deleted_at < state.updated_at

    def apply(self, state: ChannelAccountState) -> None:
        """Take ``state`` in (after the table did), unsealing its secrets if it is news."""
        if not self.is_news(state):
            return
        assert state.phone_number_id is not None  # concerns_us
        account_id = state.channel_account_id
        if state.status is ChannelAccountStatus.DELETED:
            known = self._by_id.get(account_id)
            # The sender sends no secret with a deletion: the one the account had stays.
            secret = (
                self._unseal(state.app_secret_sealed, app_secret_associated_data(account_id))
                if state.app_secret_sealed
                else (known.app_secret if known is not None else None)
            )
            self._remove(account_id)
            self._deleted_at[account_id] = state.updated_at
            if secret is not None:
                self._retire(
                    RetiredAccount(
                        id=account_id,
                        tenant_id=state.tenant_id,
                        phone_number_id=state.phone_number_id,
                        waba_id=state.waba_id or (known.waba_id if known is not None else None),
                        retired_at=state.updated_at,
                        app_secret=secret,
                    )
                )
            return
        self._deleted_at.pop(account_id, None)
        self._unretire(account_id)
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

    def _retire(self, retired: RetiredAccount) -> None:
        self._unretire(retired.id)
        self._retired[retired.id] = retired
        self._retired_by_phone_number_id.setdefault(retired.phone_number_id, {})[retired.id] = (
            retired
        )
        if retired.waba_id is not None:
            self._retired_by_waba_id.setdefault(retired.waba_id, {})[retired.id] = retired
        self._app_secrets = None

    def _unretire(self, account_id: uuid.UUID) -> None:
        retired = self._retired.pop(account_id, None)
        if retired is None:
            return
        _drop(self._retired_by_phone_number_id, retired.phone_number_id, account_id)
        if retired.waba_id is not None:
            _drop(self._retired_by_waba_id, retired.waba_id, account_id)
        self._app_secrets = None

    def _put(self, account: KnownAccount) -> None:
        self._remove(account.id)
        self._app_secrets = None
        self._by_id[account.id] = account
        self._by_phone_number_id[account.phone_number_id] = account
        if account.waba_id is not None:
            self._by_waba_id.setdefault(account.waba_id, {})[account.id] = account

    def _remove(self, account_id: uuid.UUID) -> None:
        known = self._by_id.pop(account_id, None)
        if known is None:
            return
        self._app_secrets = None
        # Another account may have taken the number meanwhile: only drop our own entry.
        if self._by_phone_number_id.get(known.phone_number_id) is known:
            del self._by_phone_number_id[known.phone_number_id]
        if known.waba_id is not None:
            _drop(self._by_waba_id, known.waba_id, account_id)


def _drop(index: dict[str, dict[uuid.UUID, _T]], key: str, account_id: uuid.UUID) -> None:
    """Remove ``account_id`` from ``index[key]``, and the key once it holds nobody."""
    entries = index.get(key, {})
    entries.pop(account_id, None)
    if not entries:
        index.pop(key, None)

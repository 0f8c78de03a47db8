"""All SQL on ``channel_accounts`` (meta-ingest's projection of the sender's accounts) and
``retired_channel_accounts`` (the app secrets of the deleted ones)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import ChannelAccountState
from mia_meta_ingest.models import ChannelAccount, RetiredChannelAccount

__all__ = ["ChannelAccountRepository"]


class ChannelAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> ChannelAccountRepository:
        return cls(session)

    async def by_phone_number_ids(
        self, phone_number_ids: Iterable[str]
    ) -> dict[str, ChannelAccount]:
        ids = sorted(set(phone_number_ids))
        if not ids:
            return {}
        rows = await self._session.scalars(
            select(ChannelAccount).where(ChannelAccount.phone_number_id.in_(ids))
        )
        return {row.phone_number_id: row for row in rows}

    async def by_waba_ids(self, waba_ids: Iterable[str]) -> list[ChannelAccount]:
        """Every number of these WhatsApp Business Accounts (template updates name only those)."""
        ids = sorted(set(waba_ids))
        if not ids:
            return []
        return list(
            await self._session.scalars(
                select(ChannelAccount).where(ChannelAccount.waba_id.in_(ids))
            )
        )

    async def lock(self, account_id: uuid.UUID) -> None:
        """Hold the account until the transaction ends.

        Every meta-ingest process projects every state into this one table: without it,
        two processes inserting a new account at once collide on its phone number (an
        ``ON CONFLICT`` names one index only) and one of them fails and retries.
        """
        key = int.from_bytes(account_id.bytes[:8], "big", signed=True)
        await self._session.execute(select(func.pg_advisory_xact_lock(key)))

    async def get(self, account_id: uuid.UUID) -> ChannelAccount | None:
        return await self._session.get(ChannelAccount, account_id)

    async def all(self) -> list[ChannelAccount]:
        return list(await self._session.scalars(select(ChannelAccount)))

    async def upsert_newer(self, state: ChannelAccountState) -> None:
        """Insert the state's account, or update it when ``state`` is newer than the row."""
        values = {
            "id": state.channel_account_id,
            "tenant_id": state.tenant_id,
            "phone_number_id": state.phone_number_id,
            "waba_id": state.waba_id,
            "status": state.status.value,
            "app_secret_sealed": state.app_secret_sealed,
            "access_token_sealed": state.access_token_sealed,
            "state_updated_at": state.updated_at,
        }
        statement = insert(ChannelAccount).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[ChannelAccount.id],
            set_={key: statement.excluded[key] for key in values if key != "id"},
            where=ChannelAccount.state_updated_at < statement.excluded.state_updated_at,
        )
        await self._session.execute(statement)

    async def delete_not_newer_than(
        self, account_id: uuid.UUID, updated_at: datetime
    ) -> ChannelAccount | None:
        """Remove the account unless its row is newer than the deletion; the row removed."""
        removed = await self._session.scalars(
            delete(ChannelAccount)
            .where(
                ChannelAccount.id == account_id,
                ChannelAccount.state_updated_at <= updated_at,
            )
            .returning(ChannelAccount)
        )
        return removed.one_or_none()

    async def all_retired(self) -> list[RetiredChannelAccount]:
        return list(await self._session.scalars(select(RetiredChannelAccount)))

    async def get_retired(self, account_id: uuid.UUID) -> RetiredChannelAccount | None:
        return await self._session.get(RetiredChannelAccount, account_id)

    async def retire_newer(
        self,
        *,
        account_id: uuid.UUID,
        tenant_id: uuid.UUID,
        phone_number_id: str,
        waba_id: str | None,
        app_secret_sealed: str,
        retired_at: datetime,
    ) -> None:
        """Keep a deleted account's app secret (a newer retirement replaces an older one)."""
        values = {
            "id": account_id,
            "tenant_id": tenant_id,
            "phone_number_id": phone_number_id,
            "waba_id": waba_id,
            "app_secret_sealed": app_secret_sealed,
            "retired_at": retired_at,
        }
        statement = insert(RetiredChannelAccount).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[RetiredChannelAccount.id],
            set_={key: statement.excluded[key] for key in values if key != "id"},
            where=RetiredChannelAccount.retired_at < statement.excluded.retired_at,
        )
        await self._session.execute(statement)

    async def unretire_older_than(self, account_id: uuid.UUID, updated_at: datetime) -> None:
        """Forget the retirement of an account that came back after it."""
        await self._session.execute(
            delete(RetiredChannelAccount).where(
                RetiredChannelAccount.id == account_id,
                RetiredChannelAccount.retired_at < updated_at,
            )
        )

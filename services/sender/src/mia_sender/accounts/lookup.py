"""The SMS account look-up the Twilio webhooks check signatures with.

It opens the auth token, which Twilio signs its callbacks with, so each webhook can be
checked against its own account's secret. Deleted accounts are not found.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Channel
from mia_common.db import unit_of_work
from mia_sender.accounts.credentials import SmsAccountCredentials
from mia_sender.accounts.repository import AccountRepository
from mia_sender.accounts.secrets import AccountSecrets

__all__ = ["SmsAccountLookup", "sms_account_lookup"]

SmsAccountLookup = Callable[[uuid.UUID], Awaitable[SmsAccountCredentials | None]]


def sms_account_lookup(
    sessions: async_sessionmaker[AsyncSession], secrets: AccountSecrets
) -> SmsAccountLookup:
    async def lookup(account_id: uuid.UUID) -> SmsAccountCredentials | None:
        # A read of its own, closed before the webhook publishes: the webhook's request
        # holds no database connection while it waits for Kafka.
        async with unit_of_work(sessions) as session:
            account = await AccountRepository.from_session(session).get(account_id)
        if (
            account is None
            or account.is_deleted
            or account.channel != Channel.SMS.value
            or not account.auth_token_sealed
        ):
            return None
        return SmsAccountCredentials(
            tenant_id=account.tenant_id,
            account_id=account.id,
            auth_token=secrets.open_auth_token(account.id, account.auth_token_sealed),
            from_number=account.from_number,
            status=account.status,
        )

    return lookup

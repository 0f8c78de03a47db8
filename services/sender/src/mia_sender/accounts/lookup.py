"""The SMS account look-up the Twilio webhooks use (``extras["sms_account_lookup"]``).

It opens the auth token, which Twilio signs its callbacks with, so each webhook can be
checked against its own account's secret. Deleted accounts are not found.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Channel
from mia_sender.accounts.credentials import SmsAccountCredentials
from mia_sender.accounts.repository import get_account
from mia_sender.accounts.secrets import AccountSecrets

__all__ = ["SmsAccountLookup", "sms_account_lookup"]

SmsAccountLookup = Callable[[uuid.UUID], Awaitable[SmsAccountCredentials | None]]


def sms_account_lookup(
    session_factory: async_sessionmaker[AsyncSession], secrets: AccountSecrets
) -> SmsAccountLookup:
    async def lookup(account_id: uuid.UUID) -> SmsAccountCredentials | None:
        async with session_factory() as session:
            account = await get_account(session, account_id)
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

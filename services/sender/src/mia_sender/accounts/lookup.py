"""The SMS account look-up the Twilio webhooks check signatures with.

It opens the auth token, which Twilio signs its callbacks with, so each webhook can be
checked against its own account's secret. Deleted accounts are not found. A token the key
ring cannot open (sealed under a key it no longer has) leaves the callback unchecked: 503,
so Twilio tries again once the key is back, rather than a 500 or a callback lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Channel
from mia_common.crypto import DecryptionError
from mia_common.db import unit_of_work
from mia_common.errors import AppError
from mia_sender.accounts.credentials import SmsAccountCredentials
from mia_sender.accounts.repository import AccountRepository
from mia_sender.accounts.secrets import AccountSecrets

__all__ = ["AuthTokenUnreadable", "SmsAccountLookup", "sms_account_lookup"]

logger = structlog.get_logger(__name__)


class AuthTokenUnreadable(AppError):
    status_code = 503
    title = "The account's auth token cannot be read now"


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
        try:
            auth_token = secrets.open_auth_token(account.id, account.auth_token_sealed)
        except DecryptionError as exc:
            logger.error(
                "sms account auth token unreadable", account_id=str(account.id), error=str(exc)
            )
            raise AuthTokenUnreadable(
                "the signature cannot be checked: the account's auth token does not open "
                "with the platform's key ring",
                code="credentials_unreadable",
            ) from exc
        return SmsAccountCredentials(
            tenant_id=account.tenant_id,
            account_id=account.id,
            auth_token=auth_token,
            from_number=account.from_number,
            status=account.status,
        )

    return lookup

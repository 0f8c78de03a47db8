"""What can happen to a channel account, each change with its state published.

Every function works in the caller's transaction and writes the account's new
``ChannelAccountState`` to the outbox in it; none commits.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Channel, ChannelAlertKind
from mia_common.crypto import DecryptionError
from mia_common.db.base import new_uuid7
from mia_common.errors import AppError, Conflict
from mia_sender.accounts.credentials import UnusableCredentials
from mia_sender.accounts.repository import AccountRepository
from mia_sender.accounts.schemas import (
    AccountCreate,
    AccountOut,
    AccountTestResult,
    AccountUpdate,
    SecretOut,
    SmsAccountCreate,
)
from mia_sender.accounts.secrets import AccountSecrets
from mia_sender.accounts.state import publish_state, touch
from mia_sender.alerts import raise_alert
from mia_sender.config import SenderSettings
from mia_sender.events import SenderEvents
from mia_sender.models import ChannelAccount
from mia_sender.providers.base import ProviderError
from mia_sender.providers.registry import ProviderRegistry

__all__ = [
    "InvalidChange",
    "create_account",
    "delete_account",
    "pause_account",
    "pause_for_provider",
    "resume_account",
    "show",
    "test_credentials",
    "update_account",
]

_WHATSAPP_FIELDS = {
    "phone_number",
    "phone_number_id",
    "waba_id",
    "business_id",
    "access_token",
    "app_secret",
    "throughput_per_second",
    "messaging_tier",
}
_SMS_FIELDS = {"account_sid", "auth_token", "from_number", "messaging_service_sid"}


class InvalidChange(AppError):
    status_code = 422
    title = "Invalid request"


async def create_account(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    body: AccountCreate,
    secrets: AccountSecrets,
    events: SenderEvents,
    settings: SenderSettings,
) -> ChannelAccount:
    # The id comes first: every secret is sealed bound to it.
    account_id = new_uuid7()
    account = ChannelAccount(
        id=account_id,
        tenant_id=tenant_id,
        channel=body.channel,
        display_name=body.display_name,
        status="active",
        throughput_per_second=settings.default_throughput_per_second,
        messaging_tier=settings.default_messaging_tier,
    )
    if isinstance(body, SmsAccountCreate):
        account.sms_provider = body.provider
        account.account_sid = body.account_sid
        account.auth_token_sealed = secrets.seal_auth_token(account_id, body.auth_token)
        account.from_number = body.from_number
        account.messaging_service_sid = body.messaging_service_sid
    else:
        await _check_phone_number_id_free(session, body.phone_number_id, account_id)
        account.phone_number = body.phone_number
        account.phone_number_id = body.phone_number_id
        account.waba_id = body.waba_id
        account.business_id = body.business_id
        account.access_token_sealed = secrets.seal_access_token(account_id, body.access_token)
        account.app_secret_sealed = secrets.seal_app_secret(account_id, body.app_secret)
        if body.throughput_per_second is not None:
            account.throughput_per_second = body.throughput_per_second
        if body.messaging_tier is not None:
            account.messaging_tier = body.messaging_tier
    touch(account)
    account.created_at = account.state_updated_at
    AccountRepository.from_session(session).add(account)
    await publish_state(session, events, account)
    return account


async def update_account(
    session: AsyncSession,
    *,
    account: ChannelAccount,
    body: AccountUpdate,
    secrets: AccountSecrets,
    events: SenderEvents,
) -> ChannelAccount:
    changes = body.model_dump(exclude_unset=True)
    foreign = _WHATSAPP_FIELDS if account.channel == Channel.SMS.value else _SMS_FIELDS
    wrong = sorted(set(changes) & foreign)
    if wrong:
        # The body's schema cannot say this: it depends on the stored account's channel.
        raise InvalidChange(
            f"{', '.join(wrong)} do not apply to a {account.channel} account",
            code="field_not_for_channel",
            fields=wrong,
        )
    if changes.get("phone_number_id") not in (None, account.phone_number_id):
        await _check_phone_number_id_free(session, changes["phone_number_id"], account.id)
    sealers = {
        "access_token": ("access_token_sealed", secrets.seal_access_token),
        "app_secret": ("app_secret_sealed", secrets.seal_app_secret),
        "auth_token": ("auth_token_sealed", secrets.seal_auth_token),
    }
    for name, value in changes.items():
        if name in sealers:
            column, seal = sealers[name]
            setattr(account, column, seal(account.id, value))
        else:
            setattr(account, name, value)
    if account.channel == Channel.SMS.value and not (
        account.from_number or account.messaging_service_sid
    ):
        # Nor this: it depends on the sender the account already has.
        raise InvalidChange(
            "an SMS account needs from_number or messaging_service_sid: keep one of them",
            code="sms_sender_required",
        )
    touch(account)
    await publish_state(session, events, account)
    return account


async def delete_account(
    session: AsyncSession, *, account: ChannelAccount, events: SenderEvents
) -> None:
    """Soft delete: the row stays for the sends that name it; the state says 'deleted'.
    Sends still queued fail with ``account_deleted`` (done by its dispatcher)."""
    account.deleted_at = datetime.now(UTC)
    account.status = "deleted"
    touch(account)
    await publish_state(session, events, account)


async def pause_account(
    session: AsyncSession, *, account: ChannelAccount, reason: str | None, events: SenderEvents
) -> None:
    """A person pauses the account: its sends wait (or fail after their not_after)."""
    if account.status == "paused" and account.status_reason == reason:
        return
    account.status = "paused"
    account.status_reason = reason or "paused by a person"
    touch(account)
    await publish_state(session, events, account)


async def resume_account(
    session: AsyncSession, *, account: ChannelAccount, events: SenderEvents
) -> None:
    if account.status == "active":
        return
    previous = account.status_reason
    account.status = "active"
    account.status_reason = None
    touch(account)
    await publish_state(session, events, account)
    await raise_alert(
        session,
        events=events,
        account=account,
        kind=ChannelAlertKind.RESUMED,
        message="The account was resumed; waiting messages are being sent.",
        details={"previous_reason": previous} if previous else {},
    )


async def pause_for_provider(
    session: AsyncSession,
    *,
    events: SenderEvents,
    account: ChannelAccount,
    kind: ChannelAlertKind,
    reason: str,
    details: dict[str, Any],
    message: str | None = None,
) -> bool:
    """The provider refuses the account itself (spam limit, expired token), or its stored
    credentials cannot be used: pause it and alert a person (with ``message``, or the
    kind's own words), once, however many calls in flight report the same refusal."""
    if account.is_deleted or account.status != "active":
        return False
    account.status = "paused"
    account.status_reason = reason
    touch(account)
    await publish_state(session, events, account)
    await raise_alert(
        session,
        events=events,
        account=account,
        kind=kind,
        message=message or _pause_message(kind, reason),
        details=details,
    )
    return True


def _pause_message(kind: ChannelAlertKind, reason: str) -> str:
    if kind is ChannelAlertKind.SPAM_LIMIT:
        return (
            f"Meta limited this number for spam ({reason}). Sending is paused; check the "
            "number's quality in WhatsApp Manager, then resume the account."
        )
    if kind is ChannelAlertKind.TOKEN_EXPIRED:
        return (
            f"The provider refused the account's credentials ({reason}). Sending is paused; "
            "enter a new access token, then resume the account."
        )
    return f"The provider refuses this account ({reason}). Sending is paused until resumed."


async def _check_phone_number_id_free(
    session: AsyncSession, phone_number_id: str, account_id: uuid.UUID
) -> None:
    repository = AccountRepository.from_session(session)
    if await repository.live_with_phone_number_id(phone_number_id, excluding=account_id):
        raise Conflict("another channel account already uses this phone_number_id")


async def test_credentials(
    *, account: ChannelAccount, registry: ProviderRegistry
) -> AccountTestResult:
    """One cheap provider call with the account's stored credentials, and what it proved.

    Every way it can go wrong is an answer (``ok: false`` and why, in words), never an
    error: credentials that cannot be used as stored, the provider refusing them or the
    account, the provider unreachable.
    """
    entry = registry.for_channel(account.channel)
    if entry is None:
        return _failed_test("check_unsupported", f"{account.channel} accounts cannot be tested")
    try:
        details = await entry.provider.check(entry.credentials(account))
    except UnusableCredentials as error:
        return _failed_test(error.code, "the stored credentials cannot be used", error.detail)
    except ProviderError as error:
        return _failed_test(error.code, error.title, error.detail, error.http_status)
    return AccountTestResult(ok=True, details=details)


def _failed_test(
    code: str, title: str, detail: str | None = None, http_status: int | None = None
) -> AccountTestResult:
    return AccountTestResult(
        ok=False,
        error={"code": code, "title": title, "detail": detail, "http_status": http_status},
    )


def show(account: ChannelAccount, secrets: AccountSecrets) -> AccountOut:
    """The account as the API shows it: secrets reduced to configured + last 4."""
    is_sms = account.channel == Channel.SMS.value

    def secret(sealed: str | None, opener: Any) -> SecretOut:
        if not sealed:
            return SecretOut(configured=False, last4=None)
        try:
            return SecretOut.of(secrets.shown(opener(account.id, sealed)))
        except DecryptionError:
            # Stored but unreadable with today's key ring (the test says so in words):
            # the account is still shown, without the last characters.
            return SecretOut(configured=True, last4=None)

    return AccountOut(
        id=account.id,
        channel=Channel(account.channel),
        display_name=account.display_name,
        status=account.status,
        status_reason=account.status_reason,
        phone_number=account.from_number if is_sms else account.phone_number,
        phone_number_id=account.phone_number_id,
        waba_id=account.waba_id,
        business_id=account.business_id,
        throughput_per_second=None if is_sms else account.throughput_per_second,
        messaging_tier=None if is_sms else account.messaging_tier,
        access_token=None
        if is_sms
        else secret(account.access_token_sealed, secrets.open_access_token),
        app_secret=None if is_sms else secret(account.app_secret_sealed, secrets.open_app_secret),
        provider=account.sms_provider,
        account_sid=account.account_sid,
        auth_token=secret(account.auth_token_sealed, secrets.open_auth_token) if is_sms else None,
        from_number=account.from_number,
        messaging_service_sid=account.messaging_service_sid,
        created_at=account.created_at,
        updated_at=account.updated_at,
    )

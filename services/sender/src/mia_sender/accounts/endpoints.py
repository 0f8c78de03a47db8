"""The channel accounts API, reached through the gateway under ``/api/v1/channels``."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Response

from mia_common.contracts import Channel
from mia_common.errors import AppError, NotFound
from mia_common.pagination import Page, PageQuery, fetch_page
from mia_sender.accounts import service
from mia_sender.accounts.repository import get_for_tenant, tenant_accounts
from mia_sender.accounts.schemas import (
    AccountCreate,
    AccountLimits,
    AccountOut,
    AccountTestResult,
    AccountUpdate,
    PauseBody,
)
from mia_sender.db import AfterCommit, Tx, TxDep
from mia_sender.dependencies import Admin, Reader, RuntimeDep
from mia_sender.limits import portfolio_of
from mia_sender.models import ChannelAccount
from mia_sender.providers.base import ProviderError
from mia_sender.runtime import SenderRuntime

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/channels/accounts", tags=["channel accounts"])


class NotSupported(AppError):
    status_code = 501
    title = "Not implemented"


async def _account(
    tx: Tx, tenant_id: uuid.UUID, account_id: uuid.UUID, *, lock: bool = False
) -> ChannelAccount:
    account = await get_for_tenant(tx.session, tenant_id, account_id, for_update=lock)
    if account is None:
        raise NotFound("no such channel account")
    return account


def _changed(
    runtime: SenderRuntime, after: AfterCommit, account_id: uuid.UUID, *, dispatch: bool = True
) -> None:
    """Once committed: publish the new state now, and let dispatch see the change at once
    (a pause stops it, a resume or a new token starts it again, a deletion fails what
    waits) instead of at its next look."""
    runtime.intake.forget(account_id)
    after.append(runtime.after_commit)
    if dispatch:
        after.append(lambda: runtime.scheduler.notify(account_id))


@router.get("", response_model=Page[AccountOut], summary="The company's channel accounts")
async def list_accounts(
    identity: Reader,
    tx: TxDep,
    runtime: RuntimeDep,
    page: PageQuery,
    channel: Channel | None = None,
    status: Literal["active", "paused", "disconnected"] | None = None,
) -> Page[AccountOut]:
    query = tenant_accounts(identity.tenant_id)
    if channel is not None:
        query = query.where(ChannelAccount.channel == channel.value)
    if status is not None:
        query = query.where(ChannelAccount.status == status)
    rows, cursor = await fetch_page(tx.session, query, page, key=ChannelAccount.id)
    return Page(items=[service.show(a, runtime.secrets) for a in rows], next_cursor=cursor)


@router.post("", response_model=AccountOut, status_code=201, summary="Connect a channel account")
async def create_account(
    body: AccountCreate,
    identity: Admin,
    tx: TxDep,
    runtime: RuntimeDep,
    after: AfterCommit,
) -> AccountOut:
    account = await service.create_account(
        tx,
        tenant_id=identity.tenant_id,
        body=body,
        secrets=runtime.secrets,
        events=runtime.events,
        settings=runtime.settings,
    )
    _changed(runtime, after, account.id, dispatch=False)  # nothing to send yet
    return service.show(account, runtime.secrets)


@router.get("/{account_id}", response_model=AccountOut, summary="One channel account")
async def get_account(
    account_id: uuid.UUID, identity: Reader, tx: TxDep, runtime: RuntimeDep
) -> AccountOut:
    account = await _account(tx, identity.tenant_id, account_id)
    return service.show(account, runtime.secrets)


@router.patch("/{account_id}", response_model=AccountOut, summary="Change an account")
async def update_account(
    account_id: uuid.UUID,
    body: AccountUpdate,
    identity: Admin,
    tx: TxDep,
    runtime: RuntimeDep,
    after: AfterCommit,
) -> AccountOut:
    account = await _account(tx, identity.tenant_id, account_id, lock=True)
    await service.update_account(
        tx, account=account, body=body, secrets=runtime.secrets, events=runtime.events
    )
    _changed(runtime, after, account.id)
    return service.show(account, runtime.secrets)


@router.delete("/{account_id}", status_code=204, summary="Delete an account")
async def delete_account(
    account_id: uuid.UUID,
    identity: Admin,
    tx: TxDep,
    runtime: RuntimeDep,
    after: AfterCommit,
) -> Response:
    account = await _account(tx, identity.tenant_id, account_id, lock=True)
    await service.delete_account(tx, account=account, events=runtime.events)
    _changed(runtime, after, account.id)
    return Response(status_code=204)


@router.post("/{account_id}/pause", response_model=AccountOut, summary="Stop sending for now")
async def pause_account(
    account_id: uuid.UUID,
    identity: Admin,
    tx: TxDep,
    runtime: RuntimeDep,
    after: AfterCommit,
    body: PauseBody | None = None,
) -> AccountOut:
    account = await _account(tx, identity.tenant_id, account_id, lock=True)
    await service.pause_account(
        tx, account=account, reason=body.reason if body else None, events=runtime.events
    )
    _changed(runtime, after, account.id)
    return service.show(account, runtime.secrets)


@router.post("/{account_id}/resume", response_model=AccountOut, summary="Send again")
async def resume_account(
    account_id: uuid.UUID,
    identity: Admin,
    tx: TxDep,
    runtime: RuntimeDep,
    after: AfterCommit,
) -> AccountOut:
    account = await _account(tx, identity.tenant_id, account_id, lock=True)
    await service.resume_account(tx, account=account, events=runtime.events)
    _changed(runtime, after, account.id)
    return service.show(account, runtime.secrets)


@router.post(
    "/{account_id}/test",
    response_model=AccountTestResult,
    summary="Check the credentials with one cheap provider call",
)
async def test_account(
    account_id: uuid.UUID, identity: Admin, tx: TxDep, runtime: RuntimeDep
) -> AccountTestResult:
    account = await _account(tx, identity.tenant_id, account_id)
    entry = runtime.registry.for_channel(account.channel)
    check = getattr(entry.provider, "check", None) if entry is not None else None
    if entry is None or check is None:
        raise NotSupported(f"credentials of {account.channel} accounts cannot be checked yet")
    try:
        details = await check(entry.credentials(account))
    except ProviderError as error:
        return AccountTestResult(
            ok=False,
            error={
                "code": error.code,
                "title": error.title,
                "detail": error.detail,
                "http_status": error.http_status,
            },
        )
    return AccountTestResult(ok=True, details=details)


@router.get(
    "/{account_id}/limits",
    response_model=AccountLimits,
    summary="The daily messaging limit: tier, used, remaining (check before a campaign)",
)
async def account_limits(
    account_id: uuid.UUID, identity: Reader, tx: TxDep, runtime: RuntimeDep
) -> AccountLimits:
    account = await _account(tx, identity.tenant_id, account_id)
    if account.channel != Channel.WHATSAPP_CLOUD.value:
        # SMS has no messaging tiers: nothing counts, nothing runs out.
        return AccountLimits(
            channel_account_id=account.id,
            portfolio=f"account:{account.id}",
            tier="unlimited",
            limit=None,
            used=0,
            remaining=None,
            resets_at=None,
        )
    limit = runtime.settings.tier_limit(account.messaging_tier)
    portfolio = portfolio_of(account)
    usage = await runtime.limits.usage(portfolio)
    return AccountLimits(
        channel_account_id=account.id,
        portfolio=portfolio,
        tier=account.messaging_tier,
        limit=limit,
        used=usage.used,
        remaining=None if limit is None else max(0, limit - usage.used),
        resets_at=usage.resets_at,
    )

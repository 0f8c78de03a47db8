"""The channel accounts API, reached through the gateway under ``/api/v1/channels``."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Response
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Channel
from mia_common.db import unit_of_work
from mia_common.db.requests import SessionDep
from mia_common.errors import NotFound
from mia_common.pagination import Page, PageQuery
from mia_sender.accounts import service
from mia_sender.accounts.repository import AccountRepository
from mia_sender.accounts.schemas import (
    AccountCreate,
    AccountLimits,
    AccountOut,
    AccountTestResult,
    AccountUpdate,
    PauseBody,
)
from mia_sender.context import Admin, ContextDep, Reader, SenderContext
from mia_sender.dispatch.limits import portfolio_of
from mia_sender.models import ChannelAccount

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/channels/accounts", tags=["channel accounts"])


async def _account(
    session: AsyncSession, tenant_id: uuid.UUID, account_id: uuid.UUID, *, lock: bool = False
) -> ChannelAccount:
    repository = AccountRepository.from_session(session)
    account = await repository.get_for_tenant(tenant_id, account_id, for_update=lock)
    if account is None:
        raise NotFound("no such channel account")
    return account


def _changed(
    context: SenderContext,
    session: AsyncSession,
    account_id: uuid.UUID,
    *,
    dispatch: bool = True,
) -> None:
    """Once the request's transaction committed (never before: a dispatcher looking too
    early would see the old account), intake forgets what it cached of the account and
    dispatch sees the change at once (a pause stops it, a resume or a new token starts it
    again, a deletion fails what waits) instead of at its next look."""

    def committed(_session: object) -> None:
        context.intake.forget(account_id)
        if dispatch:
            context.scheduler.notify(account_id)

    event.listen(session.sync_session, "after_commit", committed, once=True)


@router.get("", response_model=Page[AccountOut], summary="The company's channel accounts")
async def list_accounts(
    identity: Reader,
    session: SessionDep,
    context: ContextDep,
    page: PageQuery,
    channel: Channel | None = None,
    status: Literal["active", "paused", "disconnected"] | None = None,
) -> Page[AccountOut]:
    rows, cursor = await AccountRepository.from_session(session).page_for_tenant(
        identity.tenant_id,
        page,
        channel=channel.value if channel is not None else None,
        status=status,
    )
    return Page(items=[service.show(a, context.secrets) for a in rows], next_cursor=cursor)


@router.post("", response_model=AccountOut, status_code=201, summary="Connect a channel account")
async def create_account(
    body: AccountCreate,
    identity: Admin,
    session: SessionDep,
    context: ContextDep,
) -> AccountOut:
    account = await service.create_account(
        session,
        tenant_id=identity.tenant_id,
        body=body,
        secrets=context.secrets,
        events=context.events,
        settings=context.settings,
    )
    _changed(context, session, account.id, dispatch=False)  # nothing to send yet
    return service.show(account, context.secrets)


@router.get("/{account_id}", response_model=AccountOut, summary="One channel account")
async def get_account(
    account_id: uuid.UUID, identity: Reader, session: SessionDep, context: ContextDep
) -> AccountOut:
    account = await _account(session, identity.tenant_id, account_id)
    return service.show(account, context.secrets)


@router.patch("/{account_id}", response_model=AccountOut, summary="Change an account")
async def update_account(
    account_id: uuid.UUID,
    body: AccountUpdate,
    identity: Admin,
    session: SessionDep,
    context: ContextDep,
) -> AccountOut:
    account = await _account(session, identity.tenant_id, account_id, lock=True)
    await service.update_account(
        session, account=account, body=body, secrets=context.secrets, events=context.events
    )
    _changed(context, session, account.id)
    return service.show(account, context.secrets)


@router.delete("/{account_id}", status_code=204, summary="Delete an account")
async def delete_account(
    account_id: uuid.UUID,
    identity: Admin,
    session: SessionDep,
    context: ContextDep,
) -> Response:
    account = await _account(session, identity.tenant_id, account_id, lock=True)
    await service.delete_account(session, account=account, events=context.events)
    _changed(context, session, account.id)
    return Response(status_code=204)


@router.post("/{account_id}/pause", response_model=AccountOut, summary="Stop sending for now")
async def pause_account(
    account_id: uuid.UUID,
    identity: Admin,
    session: SessionDep,
    context: ContextDep,
    body: PauseBody | None = None,
) -> AccountOut:
    account = await _account(session, identity.tenant_id, account_id, lock=True)
    await service.pause_account(
        session, account=account, reason=body.reason if body else None, events=context.events
    )
    _changed(context, session, account.id)
    return service.show(account, context.secrets)


@router.post("/{account_id}/resume", response_model=AccountOut, summary="Send again")
async def resume_account(
    account_id: uuid.UUID,
    identity: Admin,
    session: SessionDep,
    context: ContextDep,
) -> AccountOut:
    account = await _account(session, identity.tenant_id, account_id, lock=True)
    await service.resume_account(session, account=account, events=context.events)
    _changed(context, session, account.id)
    return service.show(account, context.secrets)


@router.post(
    "/{account_id}/test",
    response_model=AccountTestResult,
    summary="Check the credentials with one cheap provider call",
)
async def test_account(
    account_id: uuid.UUID, identity: Admin, context: ContextDep
) -> AccountTestResult:
    """Meta: ``GET /{phone_number_id}`` with the access token; Twilio: the fetch of the
    Account resource with the SID and auth token. ``ok: false`` says what is wrong (the
    credentials, the account's state at the provider, the provider unreachable)."""
    # The account is read in a session of its own, closed before the provider is asked:
    # the call can take seconds, and a request transaction would hold a database
    # connection that long for a read.
    async with unit_of_work(context.infra.sessions) as session:
        account = await _account(session, identity.tenant_id, account_id)
    return await service.test_credentials(account=account, registry=context.registry)


@router.get(
    "/{account_id}/limits",
    response_model=AccountLimits,
    summary="The daily messaging limit: tier, used, remaining (check before a campaign)",
)
async def account_limits(
    account_id: uuid.UUID, identity: Reader, session: SessionDep, context: ContextDep
) -> AccountLimits:
    account = await _account(session, identity.tenant_id, account_id)
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
    limit = context.settings.tier_limit(account.messaging_tier)
    portfolio = portfolio_of(account)
    usage = await context.limits.usage(portfolio)
    return AccountLimits(
        channel_account_id=account.id,
        portfolio=portfolio,
        tier=account.messaging_tier,
        limit=limit,
        used=usage.used,
        remaining=None if limit is None else max(0, limit - usage.used),
        resets_at=usage.resets_at,
    )

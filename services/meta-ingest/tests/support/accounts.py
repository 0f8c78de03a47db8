"""Registering channel accounts the way the sender does: a state on the compacted topic."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from mia_common.contracts import (
    Channel,
    ChannelAccountState,
    ChannelAccountStatus,
    Envelope,
)
from mia_common.contracts.channels import (
    access_token_associated_data,
    app_secret_associated_data,
)
from mia_common.crypto import KeyRing
from mia_common.testing import wait_until
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.context import MetaIngestContext


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    tenant_id: uuid.UUID
    phone_number_id: str
    waba_id: str
    app_secret: str
    access_token: str


async def publish_state(
    app: FastAPI,
    settings: MetaIngestSettings,
    account: Account,
    *,
    status: ChannelAccountStatus = ChannelAccountStatus.ACTIVE,
    updated_at: datetime | None = None,
    with_secrets: bool = True,
) -> ChannelAccountState:
    """The account's state on the channels topic, as the sender publishes it (a deletion
    carries no secrets there: ``with_secrets=False``)."""
    ring = KeyRing.from_settings(settings)
    state = ChannelAccountState(
        channel_account_id=account.id,
        tenant_id=account.tenant_id,
        channel=Channel.WHATSAPP_CLOUD,
        status=status,
        phone_number_id=account.phone_number_id,
        waba_id=account.waba_id,
        app_secret_sealed=ring.encrypt_text(
            account.app_secret, associated_data=app_secret_associated_data(account.id)
        )
        if with_secrets
        else None,
        access_token_sealed=ring.encrypt_text(
            account.access_token, associated_data=access_token_associated_data(account.id)
        )
        if with_secrets
        else None,
        updated_at=updated_at or datetime.now(UTC),
    )
    envelope = Envelope[ChannelAccountState](
        type="channels.state.v1", source="/tests", tenantid=account.tenant_id, data=state
    )
    context: MetaIngestContext = app.state.context
    await context.infra.broker.publish(
        envelope.to_json_dict(), settings.channels_topic, key=str(account.id).encode()
    )
    return state


async def register_account(app: FastAPI, settings: MetaIngestSettings) -> Account:
    """A new account, once meta-ingest answers for it."""
    account = Account(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        phone_number_id=str(uuid.uuid4().int)[:15],
        waba_id=str(uuid.uuid4().int)[:15],
        app_secret=uuid.uuid4().hex,
        access_token=f"token-{uuid.uuid4().hex}",
    )
    await publish_state(app, settings, account)
    context: MetaIngestContext = app.state.context
    await wait_until(
        lambda: context.accounts.get(account.id) is not None,
        message="the account in meta-ingest's directory",
    )
    return account


async def delete_account(
    app: FastAPI, settings: MetaIngestSettings, account: Account
) -> ChannelAccountState:
    """The account deleted as the sender publishes it (no secrets), once meta-ingest
    retired it."""
    context: MetaIngestContext = app.state.context
    known = context.accounts.get(account.id)
    assert known is not None, "register the account first"
    deletion = await publish_state(
        app,
        settings,
        account,
        status=ChannelAccountStatus.DELETED,
        updated_at=known.updated_at + timedelta(seconds=1),
        with_secrets=False,
    )
    await wait_until(
        lambda: any(
            retired.id == account.id
            for retired in context.accounts.retired_by_phone_number_id(account.phone_number_id)
        ),
        message="the deleted account retired in meta-ingest's directory",
    )
    return deletion

"""Registering channel accounts the way the sender does: a state on the compacted topic."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import select

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
from mia_meta_ingest.models import ChannelAccount


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    tenant_id: uuid.UUID
    phone_number_id: str
    waba_id: str
    app_secret: str
    access_token: str


async def register_account(app: FastAPI, settings: MetaIngestSettings) -> Account:
    account = Account(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        phone_number_id=str(uuid.uuid4().int)[:15],
        waba_id=str(uuid.uuid4().int)[:15],
        app_secret=uuid.uuid4().hex,
        access_token=f"token-{uuid.uuid4().hex}",
    )
    ring = KeyRing.from_settings(settings)
    sealed = ring.encrypt_text(
        account.app_secret, associated_data=app_secret_associated_data(account.id)
    )
    state = ChannelAccountState(
        channel_account_id=account.id,
        tenant_id=account.tenant_id,
        channel=Channel.WHATSAPP_CLOUD,
        status=ChannelAccountStatus.ACTIVE,
        phone_number_id=account.phone_number_id,
        waba_id=account.waba_id,
        app_secret_sealed=sealed,
        access_token_sealed=ring.encrypt_text(
            account.access_token, associated_data=access_token_associated_data(account.id)
        ),
        updated_at=datetime.now(UTC),
    )
    envelope = Envelope[ChannelAccountState](
        type="channels.state.v1", source="/tests", tenantid=account.tenant_id, data=state
    )
    ctx = app.state.context
    await ctx.infra.broker.publish(
        envelope.to_json_dict(), settings.channels_topic, key=str(account.id).encode()
    )

    async def projected() -> bool:
        async with ctx.infra.sessions() as session:
            return (
                await session.scalar(
                    select(ChannelAccount.id).where(ChannelAccount.id == account.id)
                )
                is not None
            )

    await wait_until(projected, message="the account in meta-ingest's projection")
    return account

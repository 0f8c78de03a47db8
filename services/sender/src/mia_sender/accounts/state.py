"""An account's state as published on the compacted ``channels.state.v1``.

Every change of an account (create, update, pause, resume, delete, a pause forced by the
provider) calls ``publish_state`` in its own transaction, so the topic never disagrees
with the table. ``state_updated_at`` only moves forward: consumers (meta-ingest) keep the
newest state by it and drop a replayed older one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Channel, ChannelAccountState, ChannelAccountStatus
from mia_common.outbox import add_events
from mia_sender.events import SenderEvents
from mia_sender.models import ChannelAccount

__all__ = ["publish_state", "to_state", "touch"]


def touch(account: ChannelAccount) -> None:
    """Mark the account changed now, strictly after its previous state."""
    now = datetime.now(UTC)
    previous = account.state_updated_at
    if previous is not None and now <= previous:
        now = previous + timedelta(microseconds=1)
    account.state_updated_at = now
    account.updated_at = now


def to_state(account: ChannelAccount) -> ChannelAccountState:
    deleted = account.is_deleted
    channel = Channel(account.channel)
    return ChannelAccountState(
        channel_account_id=account.id,
        tenant_id=account.tenant_id,
        channel=channel,
        status=ChannelAccountStatus.DELETED if deleted else ChannelAccountStatus(account.status),
        display_name=account.display_name,
        phone_number=account.phone_number if channel is not Channel.SMS else account.from_number,
        phone_number_id=account.phone_number_id,
        waba_id=account.waba_id,
        # A deleted account's secrets leave the topic with it.
        app_secret_sealed=None if deleted else account.app_secret_sealed,
        access_token_sealed=None if deleted else account.access_token_sealed,
        status_reason=account.status_reason,
        updated_at=account.state_updated_at,
    )


async def publish_state(
    session: AsyncSession, events: SenderEvents, account: ChannelAccount
) -> None:
    """Flush the account's change and stage its new state in the same transaction."""
    await session.flush()
    await add_events(session, [events.state(to_state(account))])

"""Keeping ``channel_accounts`` in step with ``channels.state.v1``.

Upserts are ordered by the state's own ``updated_at``: the topic is replayed from the
start on every new consumer group, and a replayed older state must not undo a newer one.
Only WhatsApp Cloud accounts with a phone number id concern this service.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Channel, ChannelAccountState, ChannelAccountStatus
from mia_meta_ingest.models import ChannelAccount

__all__ = ["apply_state"]


async def apply_state(session: AsyncSession, state: ChannelAccountState) -> None:
    if state.channel is not Channel.WHATSAPP_CLOUD or not state.phone_number_id:
        return
    if state.status is ChannelAccountStatus.DELETED:
        await session.execute(
            delete(ChannelAccount).where(
                ChannelAccount.id == state.channel_account_id,
                ChannelAccount.state_updated_at <= state.updated_at,
            )
        )
        return
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
    await session.execute(statement)

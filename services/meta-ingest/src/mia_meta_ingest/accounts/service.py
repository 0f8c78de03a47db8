"""Keeping the projection in step with ``channels.state.v1``.

Changes are ordered by the state's own ``updated_at``: every process reads the topic from
its start, and a replayed older state must not undo a newer one. Only WhatsApp Cloud
accounts with a phone number id concern this service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mia_common.contracts import Channel, ChannelAccountState, ChannelAccountStatus
from mia_meta_ingest.accounts.repository import ChannelAccountRepository

if TYPE_CHECKING:
    from mia_meta_ingest.accounts.directory import AccountDirectory

__all__ = ["concerns_us", "load_directory", "project_state"]


def concerns_us(state: ChannelAccountState) -> bool:
    """Only numbers of the WhatsApp Cloud API receive Meta's webhooks."""
    return state.channel is Channel.WHATSAPP_CLOUD and bool(state.phone_number_id)


async def project_state(*, accounts: ChannelAccountRepository, state: ChannelAccountState) -> None:
    """The table's side of a new state; the directory takes it once this committed."""
    if not concerns_us(state):
        return
    if state.status is ChannelAccountStatus.DELETED:
        await accounts.delete_not_newer_than(state.channel_account_id, state.updated_at)
    else:
        await accounts.upsert_newer(state)


async def load_directory(
    *, accounts: ChannelAccountRepository, directory: AccountDirectory
) -> None:
    """Fill ``directory`` from the table: a restart answers at once, with no topic replay."""
    directory.load(await accounts.all())

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
    """The table's side of a new state; the directory takes it once this committed.

    A deletion retires the account: its app secret is kept (the one the deletion carries,
    else the one the account had; the sender sends none with a deletion) so that Meta's
    later deliveries for its number are still recognised as Meta's.
    """
    if not concerns_us(state):
        return
    account_id = state.channel_account_id
    await accounts.lock(account_id)
    if state.status is not ChannelAccountStatus.DELETED:
        await accounts.upsert_newer(state)
        await accounts.unretire_older_than(account_id, state.updated_at)
        return
    removed = await accounts.delete_not_newer_than(account_id, state.updated_at)
    if removed is None and await accounts.get(account_id) is not None:
        return  # the account is newer than this deletion
    sealed = state.app_secret_sealed or (removed.app_secret_sealed if removed else None)
    if sealed is None:
        return
    assert state.phone_number_id is not None  # concerns_us
    await accounts.retire_newer(
        account_id=account_id,
        tenant_id=state.tenant_id,
        phone_number_id=state.phone_number_id,
        waba_id=state.waba_id or (removed.waba_id if removed else None),
        app_secret_sealed=sealed,
        retired_at=state.updated_at,
    )


async def load_directory(
    *, accounts: ChannelAccountRepository, directory: AccountDirectory
) -> None:
    """Fill ``directory`` from the tables: a restart answers at once, with no topic replay."""
    directory.load(await accounts.all(), retired=await accounts.all_retired())
